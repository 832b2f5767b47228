/**
 * A fake Amazon Bedrock runtime (Converse, ConverseStream, InvokeModel for embeddings models — see bedrock-embeddings.ts —,
 * CountTokens for Claude models — see bedrock-count-tokens.ts — and ListFoundationModels for the connection probe).
 * Configure the gateway with baseUrl `${fake.url}` (region us-east-1) or `${fake.url}?region=eu-west-1`, and the
 * credential FAKE_BEDROCK_CREDENTIAL (or FAKE_BEDROCK_SESSION_CREDENTIAL, temporary credentials with a session token).
 *
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html        (request and response, errors)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html  (stream events, event-stream framing)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html (ranges)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html, API_runtime_ToolChoice.html
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (SigV4)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html (Claude's thinking
 *     {type:"enabled", budget_tokens} in additionalModelRequestFields: budget_tokens >= 1024 and < maxTokens, temperature
 *     only 1, topP >= 0.95, no forced tool choice; Anthropic's own checks come back as "The model returned the following errors")
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html,
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningTextBlock.html (answer block
 *     reasoningContent.reasoningText {text, signature}),
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlockDelta.html (stream deltas
 *     delta.reasoningContent.text, then one delta.reasoningContent.signature)
 *   outputConfig (structured output): see bedrock-structured-output.ts
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html (any / tool force a tool use, no text)
 *
 * Every request must carry a valid SigV4 signature: the fake recomputes it from what it received (method, raw path,
 * query, the signed headers, the body) with the known secret, for the scope's region and service `bedrock`, and
 * answers 403 like AWS (MissingAuthenticationTokenException, UnrecognizedClientException, InvalidSignatureException).
 * The signed headers must include host and x-amz-date, x-amz-content-sha256 must match the body, and the date must be
 * within 15 minutes. The body is hashed as re-serialized JSON (common.ts keeps only the parsed body), which equals the
 * bytes a JSON.stringify client sent. Bodies are validated strictly (bedrock-converse-validation.ts) with 400
 * ValidationException.
 * Errors carry `x-amzn-errortype` and `{"message"}`; [[fake:error:NNN]] answers NNN with the matching exception type.
 * With Claude's thinking enabled the answer starts with a reasoningContent block (FAKE_REASONING, a fixed signature),
 * streamed as content block 0 before the text or tool use; Converse usage has no separate reasoning token count.
 * Other models reject additionalModelRequestFields they do not know (Nova: any key).
 * Structured answers: with outputConfig the text is a JSON value built from the schema (strings are FAKE_TEXT); with a
 * forced toolChoice (any / tool) and no [[fake:tool]] the answer is a toolUse of the forced (or first) tool whose input
 * is built from that tool's schema, streamed as two input fragments.
 */
import { createHash } from "node:crypto";
import { encodeEvent } from "@/server/providers/bedrock/event-stream";
import { signRequest } from "@/server/providers/bedrock/signed-request";
import { fail, validateConverse, validateThinking, ValidationError } from "./bedrock-converse-validation";
import { countTokens } from "./bedrock-count-tokens";
import { FAKE_BEDROCK_EMBEDDING_MODELS, invokeEmbeddings } from "./bedrock-embeddings";
import { sampleFromSchema, validateOutputConfig } from "./bedrock-structured-output";
import { FAKE_REASONING, FAKE_REASONING_DELTAS, FAKE_TEXT, FAKE_USAGE, type FakeContext, type FakeUpstream, type Scenario, startFake, streamDeltas } from "./common";
import { FAKE_TOOL_ARGUMENTS } from "./openai-fake";

export const FAKE_BEDROCK_ACCESS_KEY_ID = "AKIAFAKEBEDROCK00001";
export const FAKE_BEDROCK_SECRET_ACCESS_KEY = "fAkE/bedrock+secret/0123456789abcdefghij";
export const FAKE_BEDROCK_CREDENTIAL = `${FAKE_BEDROCK_ACCESS_KEY_ID}:${FAKE_BEDROCK_SECRET_ACCESS_KEY}`;
export const FAKE_BEDROCK_TEMP_ACCESS_KEY_ID = "ASIAFAKEBEDROCK00002";
export const FAKE_BEDROCK_SESSION_TOKEN = "FwoGZXIvYXdzEFAKE//session+token=";
export const FAKE_BEDROCK_SESSION_CREDENTIAL = `${FAKE_BEDROCK_TEMP_ACCESS_KEY_ID}:${FAKE_BEDROCK_SECRET_ACCESS_KEY}:${FAKE_BEDROCK_SESSION_TOKEN}`;
export const FAKE_BEDROCK_MODELS = ["us.anthropic.claude-haiku-4-5-20251001-v1:0", "amazon.nova-lite-v1:0"];

/** A fixed signature: the real one is opaque and checked when the block is sent back. */
export const FAKE_BEDROCK_REASONING_SIGNATURE = "ErUBCkYIBhgCIkBmYWtlLWJlZHJvY2stc2lnbmF0dXJl";

type Json = Record<string, unknown>;

export function startFakeBedrock(port = 0): Promise<FakeUpstream> {
  return startFake("bedrock", handle, port);
}

function sendError(context: FakeContext, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  context.json(status, { message }, { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, "x-amzn-requestid": "fake-request-id", ...extra });
}

async function handle(context: FakeContext): Promise<void> {
  const { pathname } = context.url;
  const method = context.request.method;
  const converse = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(pathname);
  const invoke = /^\/model\/([^/]+)\/invoke$/.exec(pathname);
  const count = /^\/model\/([^/]+)\/count-tokens$/.exec(pathname);
  if (!(method === "POST" && (converse || invoke || count)) && !(method === "GET" && pathname === "/foundation-models")) {
    return sendError(context, 404, "UnknownOperationException", "Unknown operation");
  }
  const authFailure = await verifySignature(context);
  if (authFailure) return sendError(context, 403, authFailure.type, authFailure.message);
  if (invoke) return handleInvoke(context, decodeURIComponent(invoke[1]));
  if (count) return handleCount(context, decodeURIComponent(count[1]));
  if (method === "GET") {
    return context.json(200, { modelSummaries: FAKE_BEDROCK_MODELS.map((id) => ({ modelId: id, modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${id}`, providerName: "fake" })) });
  }
  const modelId = decodeURIComponent(converse![1]);
  if (!FAKE_BEDROCK_MODELS.includes(modelId)) return sendError(context, 400, "ValidationException", "The provided model identifier is invalid.");
  let toolNames: string[];
  let isThinking: boolean;
  let outputSchema: Json | undefined;
  try {
    toolNames = validateConverse(context.body);
    isThinking = validateThinking(context.body, modelId);
    const output = validateOutputConfig(context.body, modelId);
    if (!output.ok) fail(output.message);
    outputSchema = output.schema;
  } catch (error) {
    if (error instanceof ValidationError) return sendError(context, 400, "ValidationException", error.message);
    throw error;
  }
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendScenarioError(context, scenario.status);
  const answer = chooseAnswer(context.body as Json, scenario, toolNames, outputSchema);
  if (converse![2] === "converse-stream") return streamAnswer(context, scenario, answer, isThinking);
  return jsonAnswer(context, scenario, answer, isThinking);
}

/** What the model answers: a tool use (with its input as JSON text), or text. */
type Answer = { kind: "tool"; name: string; input: string } | { kind: "text"; json?: string };

function chooseAnswer(body: Json, scenario: Scenario, toolNames: string[], outputSchema: Json | undefined): Answer {
  if (scenario.name === "tool" && toolNames.length > 0) return { kind: "tool", name: toolNames[0], input: FAKE_TOOL_ARGUMENTS };
  const config = body.toolConfig as { tools: { toolSpec: { name: string; inputSchema: { json: Json } } }[]; toolChoice?: Json } | undefined;
  const choice = config?.toolChoice;
  if (config && choice && (choice.any !== undefined || choice.tool !== undefined)) {
    const name = choice.tool !== undefined ? String((choice.tool as Json).name) : toolNames[0];
    const spec = config.tools.map((tool) => tool.toolSpec).find((candidate) => candidate?.name === name)!;
    return { kind: "tool", name, input: JSON.stringify(sampleFromSchema(spec.inputSchema.json)) };
  }
  return outputSchema ? { kind: "text", json: JSON.stringify(sampleFromSchema(outputSchema)) } : { kind: "text" };
}

/** CountTokens, for Claude models by foundation model id (bedrock-count-tokens.ts). */
function handleCount(context: FakeContext, modelId: string): void {
  const scenario = context.record.scenario;
  const answer = countTokens(modelId, context.body, FAKE_BEDROCK_MODELS, validateConverse, scenario.name === "error");
  if (answer.ok === true) return context.json(200, answer.body, { "x-amzn-requestid": "fake-request-id" });
  if (answer.ok === "scenario") return sendScenarioError(context, (scenario as { status: number }).status);
  sendError(context, answer.status, answer.type, answer.message);
}

/** InvokeModel, for the embeddings models only (bedrock-embeddings.ts). */
function handleInvoke(context: FakeContext, modelId: string): void {
  if (!FAKE_BEDROCK_EMBEDDING_MODELS.includes(modelId)) return sendError(context, 400, "ValidationException", "The provided model identifier is invalid.");
  if (context.request.headers["content-type"] !== "application/json") return sendError(context, 415, "UnsupportedMediaTypeException", "The content type is not supported.");
  const answer = invokeEmbeddings(modelId, context.body);
  if (!answer.ok) return sendError(context, 400, "ValidationException", answer.message);
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendScenarioError(context, scenario.status);
  context.json(200, answer.body, answer.headers);
}

// ---------------------------------------------------------------- SigV4

const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

async function verifySignature(context: FakeContext): Promise<{ type: string; message: string } | undefined> {
  const headers = context.request.headers;
  const authorization = headers.authorization;
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization ?? "");
  if (!authorization) return { type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  if (!match) return { type: "IncompleteSignatureException", message: "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters." };
  const [, accessKeyId, day, region, service, signedHeaders, signature] = match;
  const isTemporary = accessKeyId === FAKE_BEDROCK_TEMP_ACCESS_KEY_ID;
  if (accessKeyId !== FAKE_BEDROCK_ACCESS_KEY_ID && !isTemporary) return { type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
  if (isTemporary && headers["x-amz-security-token"] !== FAKE_BEDROCK_SESSION_TOKEN) return { type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
  const amzDate = String(headers["x-amz-date"] ?? "");
  const names = signedHeaders.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date") || (isTemporary && !names.includes("x-amz-security-token"))) {
    return { type: "InvalidSignatureException", message: "The request signature we calculated does not match the signature you provided." };
  }
  const time = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!Number.isFinite(time) || amzDate.slice(0, 8) !== day) return { type: "IncompleteSignatureException", message: "Date must be in ISO-8601 'basic format'." };
  if (Math.abs(Date.now() - time) > 15 * 60_000) return { type: "InvalidSignatureException", message: "Signature expired." };
  const body = context.body === undefined ? "" : JSON.stringify(context.body);
  const contentHash = headers["x-amz-content-sha256"];
  if (contentHash !== undefined && contentHash !== sha256Hex(body)) return { type: "InvalidSignatureException", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  if (service !== "bedrock") return { type: "InvalidSignatureException", message: `Credential should be scoped to correct service: 'bedrock'.` };
  const signed: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) return { type: "InvalidSignatureException", message: "The request signature we calculated does not match the signature you provided." };
    signed[name] = Array.isArray(value) ? value.join(",") : value;
  }
  // Re-signs what arrived (raw path and query, the signed headers as received, the body) with the known secret.
  const expected = await signRequest(
    { method: context.request.method ?? "POST", url: `http://${headers.host}${context.request.url}`, headers: signed, body },
    {
      credentials: { accessKeyId, secretAccessKey: FAKE_BEDROCK_SECRET_ACCESS_KEY, ...(isTemporary ? { sessionToken: FAKE_BEDROCK_SESSION_TOKEN } : {}) },
      region,
      service,
      now: new Date(time),
      contentSha256: names.includes("x-amz-content-sha256"),
    },
  );
  if (!expected.authorization?.endsWith(`SignedHeaders=${signedHeaders}, Signature=${signature}`)) {
    return { type: "InvalidSignatureException", message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." };
  }
  return undefined;
}

// ---------------------------------------------------------------- answers

function usage(scenario: Scenario): Json {
  const cached = scenario.name === "cached" ? FAKE_USAGE.cached : 0;
  const inputTokens = FAKE_USAGE.input - cached;
  return { inputTokens, outputTokens: FAKE_USAGE.output, totalTokens: FAKE_USAGE.input + FAKE_USAGE.output, cacheReadInputTokens: cached, cacheWriteInputTokens: 0 };
}

function jsonAnswer(context: FakeContext, scenario: Scenario, answer: Answer, isThinking: boolean): void {
  const reasoning = isThinking ? [{ reasoningContent: { reasoningText: { text: FAKE_REASONING, signature: FAKE_BEDROCK_REASONING_SIGNATURE } } }] : [];
  const final = answer.kind === "tool" ? [{ toolUse: { toolUseId: "tooluse_fake_1", name: answer.name, input: JSON.parse(answer.input) } }] : [{ text: answer.json ?? FAKE_TEXT }];
  const content = [...reasoning, ...final];
  const body: Json = { output: { message: { role: "assistant", content } }, stopReason: answer.kind === "tool" ? "tool_use" : "end_turn", metrics: { latencyMs: 42 } };
  if (scenario.name !== "nousage") body.usage = usage(scenario);
  context.json(200, body, { "x-amzn-requestid": "fake-request-id" });
}

/** Splits a JSON answer into two fragments, as the model streams it. */
const halves = (text: string): string[] => [text.slice(0, Math.ceil(text.length / 2)), text.slice(Math.ceil(text.length / 2))];

async function streamAnswer(context: FakeContext, scenario: Scenario, answer: Answer, isThinking: boolean): Promise<void> {
  context.response.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": "fake-request-id" });
  context.response.flushHeaders();
  const send = (eventType: string, payload: Json) => {
    if (!context.isClosed()) context.response.write(encodeEvent(eventType, payload));
  };
  send("messageStart", { role: "assistant" });
  const index = isThinking ? 1 : 0;
  if (isThinking) {
    for (const text of FAKE_REASONING_DELTAS) send("contentBlockDelta", { delta: { reasoningContent: { text } }, contentBlockIndex: 0 });
    send("contentBlockDelta", { delta: { reasoningContent: { signature: FAKE_BEDROCK_REASONING_SIGNATURE } }, contentBlockIndex: 0 });
    send("contentBlockStop", { contentBlockIndex: 0 });
  }
  if (answer.kind === "tool") {
    send("contentBlockStart", { start: { toolUse: { toolUseId: "tooluse_fake_1", name: answer.name } }, contentBlockIndex: index });
    const fragments = answer.input === FAKE_TOOL_ARGUMENTS ? [answer.input] : halves(answer.input);
    for (const input of fragments) send("contentBlockDelta", { delta: { toolUse: { input } }, contentBlockIndex: index });
  } else if (answer.json !== undefined) {
    for (const text of halves(answer.json)) send("contentBlockDelta", { delta: { text }, contentBlockIndex: index });
  } else if (!(await streamDeltas(context, scenario, (delta) => send("contentBlockDelta", { delta: { text: delta }, contentBlockIndex: index })))) {
    return;
  }
  send("contentBlockStop", { contentBlockIndex: index });
  send("messageStop", { stopReason: answer.kind === "tool" ? "tool_use" : "end_turn" });
  send("metadata", scenario.name === "nousage" ? { metrics: { latencyMs: 42 } } : { usage: usage(scenario), metrics: { latencyMs: 42 } });
  context.end();
}

const SCENARIO_ERRORS: Record<number, [string, string]> = {
  400: ["ValidationException", "The model returned the following errors: Input is too long for requested model."],
  403: ["AccessDeniedException", "You don't have access to the model with the specified model ID."],
  404: ["ResourceNotFoundException", "Model not found."],
  408: ["ModelTimeoutException", "Model has timed out in processing the request. Try your request again."],
  424: ["ModelErrorException", "The model returned an error."],
  429: ["ThrottlingException", "Too many requests, please wait before trying again."],
  500: ["InternalServerException", "The server encountered an internal error."],
  503: ["ServiceUnavailableException", "The service is temporarily unable to handle the request."],
};

function sendScenarioError(context: FakeContext, status: number): void {
  const [type, message] = SCENARIO_ERRORS[status] ?? ["InternalServerException", "The server encountered an internal error."];
  sendError(context, status, type, message);
}
