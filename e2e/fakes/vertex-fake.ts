/**
 * Fake Google Cloud Vertex AI for gateway tests: an OAuth token endpoint (on its own port, fake.tokenUrl) for a
 * generated service account, and the publisher-model routes of one project and location. Configure a connection with
 *   baseUrl `${fake.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}` and apiKey fake.serviceAccountJson.
 *
 * References:
 * - Token endpoint, JWT bearer grant (RS256, kid = private_key_id; iss, scope, aud = token_uri, iat, exp ≤ iat + 3600)
 *   and its errors ({"error":"invalid_grant","error_description":…}):
 *   https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * - Gemini on Vertex: POST …/publishers/google/models/{model}:generateContent and :streamGenerateContent?alt=sse
 *   https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent
 * - Claude on Vertex: POST …/publishers/anthropic/models/{model}:rawPredict and :streamRawPredict; the body has
 *   anthropic_version "vertex-2023-10-16" and no model: https://docs.claude.com/en/api/claude-on-vertex-ai. Beta names
 *   come in the body as `anthropic_beta: string[]` (see server/providers/vertex/request.ts for the evidence); they are
 *   checked like Anthropic's header (./anthropic-betas.ts: unknown → 400 "Unsupported beta header: <name>") and
 *   forwarded to the internal Anthropic fake as its `anthropic-beta` header (chat and count).
 * - Text embeddings: POST …/publishers/google/models/{model}:predict {instances:[{content, task_type?, title?}],
 *   parameters:{autoTruncate?, outputDimensionality?}}; gemini-embedding-001 takes one instance:
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api; task_type is one of
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/task-types (title only with RETRIEVAL_DOCUMENT)
 * - Token counts (free), token-checked like every route:
 *   Gemini: POST …/publishers/google/models/{model}:countTokens {model?, instances?, contents, systemInstruction?, tools?,
 *   generationConfig?} (anything else, e.g. toolConfig, is an unknown field) → {totalTokens, totalBillableCharacters,
 *   promptTokensDetails}: https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/countTokens
 *   Claude: POST …/publishers/anthropic/models/count-tokens:rawPredict with Anthropic's count_tokens body, `model` in the
 *   body (required) and anthropic_version "vertex-2023-10-16" (optional, as in Google's example; Anthropic's SDK sends
 *   it) → {input_tokens}: https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/count-tokens
 *   The Gemini count is fakeGeminiTokens(body); the Claude count is forwarded to an internal Anthropic count fake
 *   (model `claude-x@date` → `claude-x-date`), which validates it strictly: fakeInputTokens(body).
 * - Probe: GET …/endpoints (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.endpoints/list)
 * - Errors are google.rpc.Status JSON: a missing/unknown/expired token is 401 UNAUTHENTICATED, another project is 403
 *   PERMISSION_DENIED, an unknown model or publisher mismatch 404 NOT_FOUND (https://cloud.google.com/apis/design/errors).
 *
 * Chat bodies are not validated twice: after the Vertex checks the request is translated back (model from the path,
 * the publisher's own auth) and forwarded to an internal fake Gemini / Anthropic server, which validates it strictly
 * and answers, [[fake:…]] scenarios included; the answer is piped back unchanged.
 */
import { generateKeyPairSync, verify } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startFakeAnthropicCountTokens } from "./anthropic-count-tokens-fake";
import { unsupportedBetaMessage } from "./anthropic-betas";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "./anthropic-fake";
import { startFake, type FakeContext, type FakeUpstream } from "./common";
import { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from "./fake-embeddings";
import { fakeGeminiTokens } from "./gemini-count-tokens-fake";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "./gemini-fake";

export const FAKE_VERTEX_PROJECT = "fake-project-123";
export const FAKE_VERTEX_LOCATION = "us-east5";
export const FAKE_VERTEX_CLIENT_EMAIL = "gateway@fake-project-123.iam.gserviceaccount.com";
export const FAKE_VERTEX_EMBEDDING_MODELS = ["text-embedding-005", "gemini-embedding-001"];
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOCK_SKEW_S = 300;
const TASK_TYPES = ["RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export interface FakeVertex extends FakeUpstream {
  /** The service account key file (JSON text) whose public key the token endpoint trusts. */
  serviceAccountJson: string;
  /** The same account under another key id the fake does not know (its JWTs fail signature checks). */
  unknownKeyJson: string;
  tokenUrl: string;
  /** Successful token exchanges so far (what caching saves). */
  exchanges(): number;
  /** Token exchange attempts, successful or not. */
  exchangeAttempts(): number;
  /** Makes every issued token expire now (requests carrying one get 401). */
  expireTokens(): void;
  /** Lifetime of the next issued tokens, in seconds (default 3599). */
  setTokenLifetime(seconds: number): void;
  /** Delay before the token endpoint answers, in ms (single-flight tests). */
  setTokenDelay(ms: number): void;
}

interface State {
  tokenUrl: string;
  publicKeys: Map<string, string>;
  tokens: Map<string, number>;
  exchanges: number;
  attempts: number;
  lifetime: number;
  delayMs: number;
  gemini: FakeUpstream;
  anthropic: FakeUpstream;
  anthropicCount: FakeUpstream;
}

function googleError(context: FakeContext, code: number, status: string, message: string): void {
  context.json(code, { error: { code, message, status } });
}

function decodePart(part: string | undefined): Json | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Why the assertion is refused (Google's own error_description wording where it has one), or undefined. */
function checkAssertion(assertion: string, state: State): string | undefined {
  const parts = assertion.split(".");
  if (parts.length !== 3) return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
  const [header, claims] = [decodePart(parts[0]), decodePart(parts[1])];
  if (!header || !claims) return "Invalid JWT: malformed header or claims.";
  if (header.alg !== "RS256") return "Invalid JWT: alg must be RS256.";
  const publicKey = typeof header.kid === "string" ? state.publicKeys.get(header.kid) : undefined;
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!publicKey || !verify("RSA-SHA256", signed, publicKey, Buffer.from(parts[2], "base64url"))) return "Invalid JWT Signature.";
  const now = Math.floor(Date.now() / 1000);
  const { iss, sub, aud, scope, iat, exp } = claims;
  if (iss !== FAKE_VERTEX_CLIENT_EMAIL || (sub !== undefined && sub !== iss)) return "Invalid JWT: iss must be the service account's client_email.";
  if (aud !== state.tokenUrl) return "Invalid JWT: aud must be the token_uri.";
  if (typeof scope !== "string" || !scope.split(" ").includes(SCOPE)) return "Invalid OAuth scope or ID token audience provided.";
  if (typeof iat !== "number" || typeof exp !== "number" || iat > now + CLOCK_SKEW_S || exp <= now || exp - iat > 3600) {
    return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
  }
  return undefined;
}

interface TokenReply {
  status: number;
  body: Json;
}

async function answerToken(request: http.IncomingMessage, raw: string, state: State): Promise<TokenReply> {
  state.attempts += 1;
  if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
  if (request.method !== "POST" || new URL(request.url ?? "/", "http://fake.local").pathname !== "/token") return { status: 404, body: { error: "not_found" } };
  if (!String(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return { status: 400, body: { error: "invalid_request", error_description: "Bad Request" } };
  const form = new URLSearchParams(raw);
  if (form.get("grant_type") !== JWT_BEARER) return { status: 400, body: { error: "unsupported_grant_type", error_description: `Invalid grant_type: ${form.get("grant_type") ?? ""}` } };
  const problem = checkAssertion(form.get("assertion") ?? "", state);
  if (problem) return { status: 400, body: { error: "invalid_grant", error_description: problem } };
  state.exchanges += 1;
  const token = `ya29.fake-${state.exchanges}-${Math.random().toString(36).slice(2, 10)}`;
  state.tokens.set(token, Date.now() + state.lifetime * 1000);
  return { status: 200, body: { access_token: token, expires_in: state.lifetime, token_type: "Bearer" } };
}

/** The token endpoint runs on its own small server: its form body is not JSON, which the shared fake harness expects. */
async function startTokenServer(state: State): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const reply = await answerToken(request, Buffer.concat(chunks).toString("utf8"), state);
      response.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function checkBearer(context: FakeContext, state: State): boolean {
  const header = String(context.request.headers.authorization ?? "");
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  const expiresAt = state.tokens.get(token);
  if (expiresAt === undefined || expiresAt <= Date.now()) {
    googleError(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
    return false;
  }
  return true;
}

/** Forwards a translated request to an internal fake and pipes its answer back (cuts and stalls included). */
async function forward(context: FakeContext, url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  const abort = new AbortController();
  context.response.once("close", () => abort.abort());
  let upstream: Response;
  try {
    upstream = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: abort.signal });
  } catch {
    return context.cut();
  }
  context.response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
  context.response.flushHeaders();
  try {
    for await (const chunk of upstream.body ?? []) context.response.write(chunk);
    context.end();
  } catch {
    if (!context.isClosed()) context.cut();
  }
}

function handleGemini(context: FakeContext, state: State, model: string, method: string): Promise<void> | void {
  if (method !== "generateContent" && method !== "streamGenerateContent") return googleError(context, 400, "INVALID_ARGUMENT", `Method ${method} is not supported by publisher model ${model}.`);
  if (method === "streamGenerateContent" && context.url.searchParams.get("alt") !== "sse") return googleError(context, 400, "INVALID_ARGUMENT", "This fake only streams with alt=sse.");
  return forward(context, `${state.gemini.url}/v1beta/models/${encodeURIComponent(model)}:${method}${method === "streamGenerateContent" ? "?alt=sse" : ""}`, { "x-goog-api-key": FAKE_GEMINI_API_KEY }, context.body);
}

function handleClaude(context: FakeContext, state: State, model: string, method: string): Promise<void> | void {
  if (method !== "rawPredict" && method !== "streamRawPredict") return googleError(context, 400, "INVALID_ARGUMENT", `Method ${method} is not supported by publisher model ${model}.`);
  const body = context.body;
  if (!isObject(body)) return context.json(400, { type: "error", error: { type: "invalid_request_error", message: "There was an error parsing the body." } });
  if (body.anthropic_version !== "vertex-2023-10-16") {
    return context.json(400, { type: "error", error: { type: "invalid_request_error", message: "anthropic_version: Field required to be vertex-2023-10-16" } });
  }
  if ("model" in body) return context.json(400, { type: "error", error: { type: "invalid_request_error", message: "model: Extra inputs are not permitted" } });
  if ((method === "streamRawPredict") !== (body.stream === true)) {
    return googleError(context, 400, "INVALID_ARGUMENT", `${method} expects "stream": ${method === "streamRawPredict"} in the body.`);
  }
  const betas = readBodyBetas(body);
  if (!betas.ok) return context.json(400, { type: "error", error: { type: "invalid_request_error", message: betas.message } });
  const { anthropic_version: _version, anthropic_beta: _beta, ...rest } = body;
  void _version;
  void _beta;
  return forward(context, `${state.anthropic.url}/v1/messages`, { "x-api-key": FAKE_ANTHROPIC_API_KEY, "anthropic-version": "2023-06-01", ...betas.headers }, { model, ...rest });
}

/** The body's `anthropic_beta` (optional array of known names) as the header the Anthropic fakes take. */
function readBodyBetas(body: Json): { ok: true; headers: Record<string, string> } | { ok: false; message: string } {
  const betas = body.anthropic_beta;
  if (betas === undefined) return { ok: true, headers: {} };
  if (!Array.isArray(betas) || betas.some((name) => typeof name !== "string")) return { ok: false, message: "anthropic_beta: Input should be a valid list of strings" };
  const problem = unsupportedBetaMessage(betas as string[]);
  if (problem) return { ok: false, message: problem };
  return { ok: true, headers: betas.length > 0 ? { "anthropic-beta": betas.join(",") } : {} };
}

const GOOGLE_COUNT_FIELDS = ["model", "instances", "contents", "systemInstruction", "tools", "generationConfig"];
const GOOGLE_STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED" };

/** Every `text` string in a JSON value (billable characters are those of the text parts, whitespace excluded). */
function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => (key === "text" && typeof item === "string" ? [item] : textsOf(item)));
}

/** Why Vertex would refuse a Gemini countTokens body, or undefined. */
function googleCountProblem(body: unknown, modelName: string): string | undefined {
  if (!isObject(body)) return "Invalid JSON payload received.";
  const unknown = Object.keys(body).find((field) => !GOOGLE_COUNT_FIELDS.includes(field));
  if (unknown) return `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`;
  if (body.model !== undefined && body.model !== modelName) return `model must be ${modelName}.`;
  if (body.contents === undefined && body.instances === undefined) return "contents is not specified.";
  const contents = body.contents ?? [];
  if (!Array.isArray(contents) || contents.some((content) => !isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0)) return "contents.parts must not be empty.";
  const system = body.systemInstruction;
  if (system !== undefined && (!isObject(system) || !Array.isArray(system.parts))) return "Invalid value at 'system_instruction'.";
  return undefined;
}

function handleGeminiCount(context: FakeContext, project: string, location: string, model: string): void {
  const problem = googleCountProblem(context.body, `projects/${project}/locations/${location}/publishers/google/models/${model}`);
  if (problem) return googleError(context, 400, "INVALID_ARGUMENT", problem);
  const scenario = context.record.scenario;
  if (scenario.name === "error") return googleError(context, scenario.status, GOOGLE_STATUS[scenario.status] ?? "INTERNAL", `Fake error ${scenario.status}.`);
  const body = context.body as Json;
  const totalTokens = fakeGeminiTokens(body);
  const totalBillableCharacters = textsOf([body.contents, body.systemInstruction]).reduce((sum, text) => sum + text.replace(/\s/g, "").length, 0);
  context.json(200, { totalTokens, totalBillableCharacters, promptTokensDetails: [{ modality: "TEXT", tokenCount: totalTokens }] });
}

function handleClaudeCount(context: FakeContext, state: State, method: string): Promise<void> | void {
  if (method !== "rawPredict") return googleError(context, 400, "INVALID_ARGUMENT", `Method ${method} is not supported by count-tokens.`);
  const body = context.body;
  const refuse = (message: string) => context.json(400, { type: "error", error: { type: "invalid_request_error", message } });
  if (!isObject(body)) return refuse("There was an error parsing the body.");
  if (body.anthropic_version !== undefined && body.anthropic_version !== "vertex-2023-10-16") return refuse("anthropic_version: Input should be 'vertex-2023-10-16'");
  if (typeof body.model !== "string") return refuse("model: Field required");
  if (!body.model.startsWith("claude-")) return context.json(404, { type: "error", error: { type: "not_found_error", message: `model: ${body.model}` } });
  const betas = readBodyBetas(body);
  if (!betas.ok) return refuse(betas.message);
  const { anthropic_version: _version, anthropic_beta: _beta, model, ...rest } = body;
  void _version;
  void _beta;
  const headers = { "x-api-key": FAKE_ANTHROPIC_API_KEY, "anthropic-version": "2023-06-01", ...betas.headers };
  return forward(context, `${state.anthropicCount.url}/v1/messages/count_tokens`, headers, { model: model.replace("@", "-"), ...rest });
}

function handlePredict(context: FakeContext, model: string): void {
  if (!FAKE_VERTEX_EMBEDDING_MODELS.includes(model)) return googleError(context, 404, "NOT_FOUND", `Publisher Model \`projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}/publishers/google/models/${model}\` not found.`);
  const body = context.body;
  if (!isObject(body) || Object.keys(body).some((key) => key !== "instances" && key !== "parameters")) return googleError(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name.");
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0) return googleError(context, 400, "INVALID_ARGUMENT", "instances must not be empty.");
  const limit = model === "gemini-embedding-001" ? 1 : 250;
  if (instances.length > limit) return googleError(context, 400, "INVALID_ARGUMENT", `Unable to submit request because the model supports up to ${limit} instances per request.`);
  for (const instance of instances) {
    if (!isObject(instance) || typeof instance.content !== "string" || instance.content === "") return googleError(context, 400, "INVALID_ARGUMENT", "Each instance needs non-empty content.");
    if (Object.keys(instance).some((key) => !["content", "task_type", "title"].includes(key))) return googleError(context, 400, "INVALID_ARGUMENT", "Unknown instance field.");
    if (instance.task_type !== undefined && !TASK_TYPES.includes(String(instance.task_type))) return googleError(context, 400, "INVALID_ARGUMENT", `Unsupported task_type: ${String(instance.task_type)}.`);
    if (instance.title !== undefined && instance.task_type !== "RETRIEVAL_DOCUMENT") return googleError(context, 400, "INVALID_ARGUMENT", "title is only supported with task_type RETRIEVAL_DOCUMENT.");
  }
  const parameters = body.parameters ?? {};
  if (!isObject(parameters) || Object.keys(parameters).some((key) => key !== "autoTruncate" && key !== "outputDimensionality")) return googleError(context, 400, "INVALID_ARGUMENT", "Unknown parameters field.");
  const dimensions = parameters.outputDimensionality;
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > 3072)) return googleError(context, 400, "INVALID_ARGUMENT", "outputDimensionality must be between 1 and 3072.");
  if (parameters.autoTruncate !== undefined && typeof parameters.autoTruncate !== "boolean") return googleError(context, 400, "INVALID_ARGUMENT", "autoTruncate must be a boolean.");
  const predictions = (instances as Json[]).map((instance) => {
    const text = String(instance.content);
    return { embeddings: { values: fakeEmbedding(text, (dimensions as number | undefined) ?? FAKE_EMBEDDING_DIMENSIONS), statistics: { token_count: Math.max(1, Math.ceil(text.length / 4)), truncated: false } } };
  });
  context.json(200, { predictions, metadata: { billableCharacterCount: (instances as Json[]).reduce((sum, instance) => sum + String(instance.content).length, 0) } });
}

const ROUTE = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/(?:publishers\/([^/]+)\/models\/([^/:]+):([A-Za-z]+)|(endpoints))$/;

async function handle(context: FakeContext, state: State): Promise<void> {
  const route = ROUTE.exec(context.url.pathname);
  if (!route) return googleError(context, 404, "NOT_FOUND", "The requested URL was not found on this server.");
  const [, project, location, publisher, rawModel, method, endpoints] = route;
  if (!checkBearer(context, state)) return;
  if (project !== FAKE_VERTEX_PROJECT) return googleError(context, 403, "PERMISSION_DENIED", `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${project}/locations/${location}' (or it may not exist).`);
  if (location !== FAKE_VERTEX_LOCATION) return googleError(context, 400, "FAILED_PRECONDITION", `Location ${location} is not served by this fake.`);
  if (endpoints) return context.request.method === "GET" ? context.json(200, {}) : googleError(context, 405, "INVALID_ARGUMENT", "Method not allowed.");
  if (context.request.method !== "POST") return googleError(context, 404, "NOT_FOUND", "The requested URL was not found on this server.");
  const model = decodeURIComponent(rawModel);
  if (publisher === "anthropic" && model === "count-tokens") return handleClaudeCount(context, state, method);
  const isClaude = model.startsWith("claude-");
  if ((publisher === "anthropic") !== isClaude || (publisher !== "anthropic" && publisher !== "google")) {
    return googleError(context, 404, "NOT_FOUND", `Publisher Model \`projects/${project}/locations/${location}/publishers/${publisher}/models/${model}\` not found.`);
  }
  if (method === "predict") return handlePredict(context, model);
  if (method === "countTokens" && !isClaude) return handleGeminiCount(context, project, location, model);
  return isClaude ? handleClaude(context, state, model, method) : handleGemini(context, state, model, method);
}

function serviceAccountJson(tokenUri: string, privateKeyId: string, privateKey: string): string {
  return JSON.stringify({
    type: "service_account",
    project_id: FAKE_VERTEX_PROJECT,
    private_key_id: privateKeyId,
    private_key: privateKey,
    client_email: FAKE_VERTEX_CLIENT_EMAIL,
    client_id: "100000000000000000001",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: tokenUri,
    universe_domain: "googleapis.com",
  });
}

export async function startFakeVertex(port = 0): Promise<FakeVertex> {
  const known = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const unknown = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const [gemini, anthropic, anthropicCount] = await Promise.all([startFakeGemini(0), startFakeAnthropic(0), startFakeAnthropicCountTokens(0)]);
  const state: State = { tokenUrl: "", publicKeys: new Map([["fake-key-1", known.publicKey]]), tokens: new Map(), exchanges: 0, attempts: 0, lifetime: 3599, delayMs: 0, gemini, anthropic, anthropicCount };
  const upstream = await startFake("vertex", (context) => handle(context, state), port);
  const tokenServer = await startTokenServer(state);
  const tokenUrl = `${tokenServer.url}/token`;
  state.tokenUrl = tokenUrl;
  return {
    ...upstream,
    serviceAccountJson: serviceAccountJson(tokenUrl, "fake-key-1", known.privateKey),
    unknownKeyJson: serviceAccountJson(tokenUrl, "fake-key-2", unknown.privateKey),
    tokenUrl,
    exchanges: () => state.exchanges,
    exchangeAttempts: () => state.attempts,
    expireTokens: () => {
      for (const token of state.tokens.keys()) state.tokens.set(token, 0);
    },
    setTokenLifetime: (seconds) => void (state.lifetime = seconds),
    setTokenDelay: (ms) => void (state.delayMs = ms),
    close: async () => {
      await Promise.all([upstream.close(), tokenServer.close(), gemini.close(), anthropic.close(), anthropicCount.close()]);
    },
  };
}
