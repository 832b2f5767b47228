/**
 * A fake Azure OpenAI resource for tests. Configure the gateway with baseUrl `${fake.url}?api-version=2024-10-21`
 * (or `?api-version=v1`) and apiKey FAKE_AZURE_API_KEY (or FAKE_AZURE_ENTRA_TOKEN, a JWT-shaped Entra ID token).
 * References:
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference          (POST /openai/deployments/{id}/chat/completions?api-version=…,
 *                                                                              api-key or Authorization: Bearer, error body {error:{code,message}})
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/latest             (v1 API: POST /openai/v1/chat/completions, model = deployment)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/authoring-reference (GET /openai/models?api-version=…)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter (prompt_filter_results,
 *                                                                              content_filter_results, 400 code "content_filter")
 * Validation is strict: path, api-version (FAKE_AZURE_API_VERSIONS), deployment name (FAKE_AZURE_DEPLOYMENTS) and
 * credential are checked first, then the body with the OpenAI fake's validator. Stricter than Azure on one point:
 * a `model` field on the deployments path (which Azure ignores) is refused, so an adapter that sends it is caught.
 * Scenario [[fake:error:400]] answers Azure's content-filter 400.
 */
import { FAKE_TEXT, type FakeContext, type FakeUpstream, type Scenario, startFake, streamDeltas } from "./common";
import { FAKE_TOOL_ARGUMENTS, firstToolName, usage, validateRequest } from "./openai-fake";

export const FAKE_AZURE_API_KEY = "0123456789abcdef0123456789abcdef";
/** A JWT-shaped Microsoft Entra ID access token (header.payload.signature, base64url). */
export const FAKE_AZURE_ENTRA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.ZmFrZS1zaWduYXR1cmU";
export const FAKE_AZURE_API_VERSIONS = ["2024-10-21", "2024-06-01", "2025-04-01-preview"];
/** Deployment name → the model deployed under it. */
export const FAKE_AZURE_DEPLOYMENTS: Record<string, string> = { "gpt-4o-mini": "gpt-4o-mini", "gpt-4.1": "gpt-4.1", "chat-prod": "gpt-4o-mini" };

type Json = Record<string, unknown>;
const SAFE = { filtered: false, severity: "safe" };
const CONTENT_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: { ...CONTENT_FILTER_RESULTS, jailbreak: { filtered: false, detected: false } } }];

export function startFakeAzure(port = 0): Promise<FakeUpstream> {
  return startFake("azure", handle, port);
}

function sendError(context: FakeContext, status: number, error: Json, headers: Record<string, string> = {}): void {
  context.json(status, { error }, headers);
}

async function handle(context: FakeContext): Promise<void> {
  const { pathname, searchParams } = context.url;
  const method = context.request.method;
  const deploymentMatch = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(pathname);
  const isV1 = pathname.startsWith("/openai/v1/");
  const isKnownRoute = (method === "POST" && (deploymentMatch || pathname === "/openai/v1/chat/completions")) || (method === "GET" && (pathname === "/openai/models" || pathname === "/openai/v1/models"));
  if (!isKnownRoute) return sendError(context, 404, { code: "404", message: "Resource not found" });
  const apiVersion = searchParams.get("api-version");
  if (!isV1 && apiVersion === null) return sendError(context, 404, { code: "404", message: "Resource not found" });
  if (!isV1 && !FAKE_AZURE_API_VERSIONS.includes(apiVersion ?? "")) return sendError(context, 400, { code: "BadRequest", message: "API version not supported" });
  if (isV1 && apiVersion !== null && apiVersion !== "v1" && apiVersion !== "preview") return sendError(context, 400, { code: "BadRequest", message: "API version not supported" });
  const authError = checkAuth(context);
  if (authError) return sendError(context, 401, { code: "401", message: authError });
  if (method === "GET") {
    return context.json(200, { object: "list", data: Object.values(FAKE_AZURE_DEPLOYMENTS).map((id) => ({ id, object: "model", created_at: 1721347200, status: "succeeded", capabilities: { chat_completion: true } })) });
  }
  const body = context.body as Json;
  const deployment = deploymentMatch ? decodeURIComponent(deploymentMatch[1]) : typeof body?.model === "string" ? body.model : undefined;
  if (deployment === undefined) return sendError(context, 400, { message: "you must provide a model parameter", type: "invalid_request_error", param: null, code: null });
  const model = FAKE_AZURE_DEPLOYMENTS[deployment];
  if (model === undefined) {
    return sendError(context, 404, { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again." });
  }
  if (deploymentMatch && typeof body === "object" && body !== null && "model" in body) {
    return sendError(context, 400, { message: "Unrecognized request argument supplied: model", type: "invalid_request_error", param: null, code: null });
  }
  const invalid = validateRequest(typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body, model } : body);
  if (invalid) {
    const { status, ...error } = invalid;
    return sendError(context, status, { type: "invalid_request_error", param: null, code: null, ...error });
  }
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendScenarioError(context, scenario.status, apiVersion ?? "v1");
  if (body.stream === true) return streamAnswer(context, body, model, scenario);
  return jsonAnswer(context, body, model, scenario);
}

function checkAuth(context: FakeContext): string | undefined {
  const key = context.request.headers["api-key"];
  const authorization = context.request.headers.authorization;
  if (key === undefined && authorization === undefined) return "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
  if (key === FAKE_AZURE_API_KEY || authorization === `Bearer ${FAKE_AZURE_ENTRA_TOKEN}`) return undefined;
  return "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.";
}

// ---------------------------------------------------------------- answers


function envelope(context: FakeContext, model: string, object: string): Json {
  return { id: `chatcmpl-azurefake${context.record.seq}`, object, created: 1748265600, model: `${model}-2024-07-18`, system_fingerprint: "fp_azurefake" };
}

async function jsonAnswer(context: FakeContext, body: Json, model: string, scenario: Scenario): Promise<void> {
  if (scenario.name === "cut") return context.cut();
  if (scenario.name === "stall") return void (await new Promise<void>((resolve) => context.response.once("close", () => resolve())));
  if (scenario.name === "slow" && !(await context.sleep(10_000))) return;
  const toolName = scenario.name === "tool" ? firstToolName(body) : undefined;
  const message = toolName
    ? { role: "assistant", content: null, tool_calls: [{ id: "call_fake_1", type: "function", function: { name: toolName, arguments: FAKE_TOOL_ARGUMENTS } }], refusal: null }
    : { role: "assistant", content: FAKE_TEXT, refusal: null };
  const choice = { index: 0, message, logprobs: null, finish_reason: toolName ? "tool_calls" : "stop", content_filter_results: CONTENT_FILTER_RESULTS };
  const answer: Json = { ...envelope(context, model, "chat.completion"), choices: [choice], prompt_filter_results: PROMPT_FILTER_RESULTS };
  if (scenario.name !== "nousage") answer.usage = usage(scenario);
  context.json(200, answer);
}

async function streamAnswer(context: FakeContext, body: Json, model: string, scenario: Scenario): Promise<void> {
  const options = body.stream_options as Json | undefined;
  const includeUsage = options?.include_usage === true && scenario.name !== "nousage";
  const base = envelope(context, model, "chat.completion.chunk");
  const chunk = (delta: Json, finishReason: string | null = null) =>
    context.sse(JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason, content_filter_results: finishReason ? {} : CONTENT_FILTER_RESULTS }], ...(includeUsage ? { usage: null } : {}) }));
  context.startSse();
  // Azure's first event carries the prompt's filter results and no choices.
  context.sse(JSON.stringify({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: PROMPT_FILTER_RESULTS }));
  const toolName = scenario.name === "tool" ? firstToolName(body) : undefined;
  if (toolName) {
    chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_fake_1", type: "function", function: { name: toolName, arguments: FAKE_TOOL_ARGUMENTS } }] });
  } else {
    chunk({ role: "assistant", content: "", refusal: null });
    if (!(await streamDeltas(context, scenario, (text) => chunk({ content: text })))) return;
  }
  chunk({}, toolName ? "tool_calls" : "stop");
  if (includeUsage) context.sse(JSON.stringify({ ...base, choices: [], usage: usage(scenario) }));
  context.sse("[DONE]");
  context.end();
}

function sendScenarioError(context: FakeContext, status: number, apiVersion: string): void {
  const bodies: Record<number, Json> = {
    400: {
      message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: { ...CONTENT_FILTER_RESULTS, violence: { filtered: true, severity: "medium" }, jailbreak: { filtered: false, detected: false } } },
    },
    401: { code: "401", message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource." },
    404: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again." },
    429: { code: "429", message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${apiVersion} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.` },
  };
  const error = bodies[status] ?? { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null };
  const headers: Record<string, string> = status === 429 ? { "retry-after": "1", "retry-after-ms": "1000", "x-ratelimit-remaining-tokens": "0" } : {};
  sendError(context, status, error, headers);
}
