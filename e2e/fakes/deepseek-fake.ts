/**
 * A fake DeepSeek API (OpenAI-compatible Chat Completions) for tests. Configure the gateway with baseUrl `${fake.url}`
 * (or `${fake.url}/v1`, which DeepSeek also serves) and apiKey FAKE_DEEPSEEK_API_KEY.
 * References:
 *   https://api-docs.deepseek.com/api/create-chat-completion   (request fields: models deepseek-chat / deepseek-reasoner,
 *     roles system/user/assistant/tool, text-only content, max_tokens, response_format text | json_object,
 *     stream_options.include_usage; response and chunk shapes; usage with prompt_cache_hit_tokens /
 *     prompt_cache_miss_tokens and completion_tokens_details.reasoning_tokens)
 *   https://api-docs.deepseek.com/guides/reasoning_model        (deepseek-reasoner answers `reasoning_content` beside
 *     `content`, in the message and in stream deltas; logprobs / top_logprobs are an error; `reasoning_content` sent
 *     back in the input messages is a 400)
 *   https://api-docs.deepseek.com/guides/kv_cache               (prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens)
 *   https://api-docs.deepseek.com/quick_start/error_codes        (400 invalid format, 401, 402, 422 invalid parameters, 429, 500, 503)
 *   https://api-docs.deepseek.com/guides/json_mode               (JSON Output: response_format json_object; json_schema is refused)
 *   https://api-docs.deepseek.com/guides/function_calling        (OpenAI's tools shape, at most 128 functions; tool_choice none |
 *     auto | required | {type:"function", function:{name}}; `strict` functions are a Beta feature of base_url
 *     https://api.deepseek.com/beta, where each object schema must list every property in `required` and set
 *     `additionalProperties: false`)
 * Like the real API: unknown top-level fields are ignored (DeepSeek's body parser skips them; the record keeps them so
 * tests can see what was sent), while wrong types and out-of-range values of known fields, non-text content parts
 * (images) and unsupported response_format types are refused. Tool definitions and tool-call sequences are checked with
 * the OpenAI fake's validators (DeepSeek copies OpenAI's tool shape), plus DeepSeek's 128-function limit and, on /beta,
 * its strict-schema rules. A named tool_choice is always answered with a call to that function (the `[[fake:tool]]`
 * scenario calls the first tool with the weather arguments); a forced call made without that scenario carries the
 * fake's fixed text as its arguments, streamed in the usual deltas: the same canned answer the other fakes give a
 * json_schema request (no fake generates schema-conforming JSON). Scenarios: see common.ts.
 */
import { randomUUID } from "node:crypto";
import { FAKE_REASONING, FAKE_REASONING_DELTAS, FAKE_TEXT, FAKE_USAGE, type FakeContext, type FakeUpstream, type Scenario, startFake, streamDeltas } from "./common";
import { type ApiError, FAKE_TOOL_ARGUMENTS, TOOL_ARGUMENT_DELTAS, firstToolName, usage as openAIUsage, validateToolCalls, validateTools } from "./openai-fake";

export const FAKE_DEEPSEEK_API_KEY = "sk-fake-deepseek-0123456789abcdef";
export const FAKE_DEEPSEEK_MODELS = ["deepseek-chat", "deepseek-reasoner"];
/** What deepseek-reasoner says when a request sends reasoning_content back (reasoning_model guide: a 400). */
export const REASONING_CONTENT_IN_INPUT =
  "The reasoning_content is an intermediate result for display purposes only and will not be included in the context for inference. Please remove the reasoning_content from your message to reduce network traffic.";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const isReasoner = (body: Json) => body.model === "deepseek-reasoner";
const ROLES = ["system", "user", "assistant", "tool"];
const RANGES: Record<string, [number, number]> = { temperature: [0, 2], top_p: [0, 1], frequency_penalty: [-2, 2], presence_penalty: [-2, 2], top_logprobs: [0, 20] };

export function startFakeDeepSeek(port = 0): Promise<FakeUpstream> {
  return startFake("deepseek", handle, port);
}

function sendError(context: FakeContext, error: ApiError): void {
  const type = error.type ?? (error.status === 401 ? "authentication_error" : "invalid_request_error");
  context.json(error.status, { error: { message: error.message, type, param: error.param ?? null, code: error.code ?? "invalid_request_error" } });
}

async function handle(context: FakeContext): Promise<void> {
  const isBeta = context.url.pathname.startsWith("/beta/");
  const route = `${context.request.method} ${context.url.pathname.replace(/^\/(v1|beta)\//, "/")}`;
  if (route !== "POST /chat/completions" && route !== "GET /models") return sendError(context, { status: 404, message: "Not Found" });
  const header = context.request.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  if (key !== FAKE_DEEPSEEK_API_KEY) return sendError(context, { status: 401, message: `Authentication Fails, Your api key: ****${key.slice(-4)} is invalid` });
  if (route === "GET /models") return context.json(200, { object: "list", data: FAKE_DEEPSEEK_MODELS.map((id) => ({ id, object: "model", owned_by: "deepseek" })) });
  const invalid = validateRequest(context.body, isBeta);
  if (invalid) return sendError(context, invalid);
  const body = context.body as Json;
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendScenarioError(context, scenario.status);
  if (body.stream === true) return streamAnswer(context, body, scenario);
  return jsonAnswer(context, body, scenario);
}

// ---------------------------------------------------------------- answers

/** OpenAI's usage plus DeepSeek's cache split; only deepseek-reasoner reports completion_tokens_details. */
function usage(scenario: Scenario, body: Json): Json {
  const reasoningTokens = isReasoner(body) ? FAKE_USAGE.reasoning : 0;
  const { completion_tokens_details: details, ...base } = openAIUsage(scenario, reasoningTokens);
  const hit = scenario.name === "cached" ? FAKE_USAGE.cached : 0;
  const cache = { prompt_tokens_details: { cached_tokens: hit }, prompt_cache_hit_tokens: hit, prompt_cache_miss_tokens: FAKE_USAGE.input - hit };
  return { ...base, ...cache, ...(isReasoner(body) ? { completion_tokens_details: { reasoning_tokens: (details as Json).reasoning_tokens } } : {}) };
}

function envelope(body: Json, object: string, id: string): Json {
  return { id, object, created: 1748265600, model: String(body.model), system_fingerprint: "fp_fake_prod0820_fp8_kvcache" };
}

async function jsonAnswer(context: FakeContext, body: Json, scenario: Scenario): Promise<void> {
  if (scenario.name === "cut") return context.cut();
  if (scenario.name === "stall") return void (await new Promise<void>((resolve) => context.response.once("close", () => resolve())));
  if (scenario.name === "slow" && !(await context.sleep(10_000))) return;
  const toolName = calledTool(body, scenario);
  const reasoning = isReasoner(body) ? { reasoning_content: FAKE_REASONING } : {};
  const message = toolName
    ? { role: "assistant", content: "", ...reasoning, tool_calls: [{ index: 0, id: "call_00_fakeDeepSeek0001", type: "function", function: { name: toolName, arguments: toolArguments(scenario) } }] }
    : { role: "assistant", content: FAKE_TEXT, ...reasoning };
  const answer: Json = { ...envelope(body, "chat.completion", randomUUID()), choices: [{ index: 0, message, logprobs: null, finish_reason: toolName ? "tool_calls" : "stop" }] };
  if (scenario.name !== "nousage") answer.usage = usage(scenario, body);
  context.json(200, answer);
}

async function streamAnswer(context: FakeContext, body: Json, scenario: Scenario): Promise<void> {
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true && scenario.name !== "nousage";
  const base = envelope(body, "chat.completion.chunk", randomUUID());
  const chunk = (delta: Json, finishReason: string | null = null) => context.sse(JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] }));
  const reasoner = isReasoner(body);
  context.startSse();
  chunk({ role: "assistant", content: reasoner ? null : "", ...(reasoner ? { reasoning_content: "" } : {}) });
  if (reasoner) for (const text of FAKE_REASONING_DELTAS) chunk({ content: null, reasoning_content: text });
  const toolName = calledTool(body, scenario);
  const argumentDelta = (piece: string) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
  if (toolName) {
    chunk({ tool_calls: [{ index: 0, id: "call_00_fakeDeepSeek0001", type: "function", function: { name: toolName, arguments: "" } }] });
    if (scenario.name === "tool") for (const piece of TOOL_ARGUMENT_DELTAS) argumentDelta(piece);
    else if (!(await streamDeltas(context, scenario, argumentDelta))) return;
  } else {
    const isComplete = await streamDeltas(context, scenario, (text) => chunk({ content: text, ...(reasoner ? { reasoning_content: null } : {}) }));
    if (!isComplete) return;
  }
  chunk({ content: "" }, toolName ? "tool_calls" : "stop");
  if (includeUsage) context.sse(JSON.stringify({ ...base, choices: [], usage: usage(scenario, body) }));
  context.sse("[DONE]");
  context.end();
}

/** The function the answer calls: the named tool_choice (DeepSeek must call it), else the first tool in the tool scenario. */
function calledTool(body: Json, scenario: Scenario): string | undefined {
  const choice = body.tool_choice;
  if (isObject(choice) && isObject(choice.function)) return String(choice.function.name);
  if (choice === "none") return undefined;
  return scenario.name === "tool" ? firstToolName(body) : undefined;
}

const toolArguments = (scenario: Scenario) => (scenario.name === "tool" ? FAKE_TOOL_ARGUMENTS : FAKE_TEXT);

function sendScenarioError(context: FakeContext, status: number): void {
  const messages: Record<number, string> = {
    400: "Invalid request body format.",
    401: "Authentication Fails, Your api key: ****cdef is invalid",
    402: "Insufficient Balance",
    422: "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]",
    429: "Rate Limit Reached",
    503: "Server Overloaded",
  };
  const type = status === 401 ? "authentication_error" : status >= 500 ? "service_unavailable_error" : status === 402 ? "unknown_error" : "invalid_request_error";
  sendError(context, { status, message: messages[status] ?? "Server Error", type });
}

// ---------------------------------------------------------------- validation

const invalidParameter = (message: string, param?: string): ApiError => ({ status: 422, message, param });

/** Returns DeepSeek's error for the first problem found, or undefined when the request is valid. */
export function validateRequest(body: unknown, isBeta = false): ApiError | undefined {
  if (!isObject(body) || "__invalid_json" in body) return { status: 400, message: "Failed to parse the request body as JSON" };
  if (typeof body.model !== "string") return invalidParameter("Failed to deserialize the JSON body into the target type: missing field `model`", "model");
  if (!FAKE_DEEPSEEK_MODELS.includes(body.model)) return { status: 400, message: "Model Not Exist" };
  return validateScalars(body) ?? validateMessages(body) ?? validateTools(body) ?? validateDeepSeekTools(body, isBeta) ?? validateResponseFormat(body);
}

function validateScalars(body: Json): ApiError | undefined {
  for (const [param, [min, max]] of Object.entries(RANGES)) {
    const value = body[param];
    if (value == null) continue;
    if (typeof value !== "number" || value < min || value > max) return invalidParameter(`Invalid ${param} value, the valid range of ${param} is [${min}, ${max}]`, param);
  }
  const maxTokens = body.max_tokens;
  const limit = isReasoner(body) ? 65536 : 8192;
  if (maxTokens != null && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1 || (maxTokens as number) > limit)) {
    return invalidParameter(`Invalid max_tokens value, the valid range of max_tokens is [1, ${limit}]`, "max_tokens");
  }
  for (const param of ["stream", "logprobs"]) if (body[param] != null && typeof body[param] !== "boolean") return invalidParameter(`Failed to deserialize the JSON body into the target type: ${param}: invalid type, expected a boolean`, param);
  if (body.stream_options != null && body.stream !== true) return { status: 400, message: "stream_options should be set along with stream = true", param: "stream_options" };
  if (isReasoner(body) && (body.logprobs != null || body.top_logprobs != null)) return { status: 400, message: "deepseek-reasoner does not support logprobs or top_logprobs", param: body.logprobs != null ? "logprobs" : "top_logprobs" };
  return undefined;
}

function validateMessages(body: Json): ApiError | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return invalidParameter("Failed to deserialize the JSON body into the target type: messages: invalid length 0, expected a non-empty sequence", "messages");
  let pendingToolCalls = new Set<string>();
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    if (!isObject(message) || !ROLES.includes(String(message.role))) {
      return invalidParameter(`Failed to deserialize the JSON body into the target type: ${at}: unknown variant \`${isObject(message) ? String(message.role) : ""}\`, expected one of ${ROLES.map((role) => `\`${role}\``).join(", ")}`, at);
    }
    if (message.reasoning_content != null && isReasoner(body)) return { status: 400, message: REASONING_CONTENT_IN_INPUT, param: `${at}.reasoning_content` };
    const contentError = validateContent(message, at);
    if (contentError) return contentError;
    if (message.role === "tool") {
      if (typeof message.tool_call_id !== "string" || !pendingToolCalls.delete(message.tool_call_id)) return { status: 400, message: "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'", param: at };
      continue;
    }
    if (pendingToolCalls.size > 0) return { status: 400, message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. (insufficient tool messages following tool_calls message)", param: at };
    if (message.role === "assistant" && message.tool_calls != null) {
      const toolCallError = validateToolCalls(message.tool_calls, `${at}.tool_calls`);
      if (toolCallError) return toolCallError;
      pendingToolCalls = new Set((message.tool_calls as { id: string }[]).map((call) => call.id));
    }
  }
  return undefined;
}

/** DeepSeek's models read text only: a content string, or an array of `text` parts. */
function validateContent(message: Json, at: string): ApiError | undefined {
  const content = message.content;
  if (message.role === "assistant" && content == null) return message.tool_calls == null ? invalidParameter(`Failed to deserialize the JSON body into the target type: ${at}: missing field \`content\``, at) : undefined;
  if (typeof content === "string") return undefined;
  if (!Array.isArray(content)) return invalidParameter(`Failed to deserialize the JSON body into the target type: ${at}: missing field \`content\``, at);
  for (const part of content) {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") continue;
    return invalidParameter(`Failed to deserialize the JSON body into the target type: ${at}: unknown variant \`${isObject(part) ? String(part.type) : ""}\`, expected \`text\``, `${at}.content`);
  }
  return undefined;
}

function validateResponseFormat(body: Json): ApiError | undefined {
  const format = body.response_format;
  if (format == null) return undefined;
  if (!isObject(format) || !["text", "json_object"].includes(String(format.type))) return { status: 400, message: "This response_format type is unavailable now", param: "response_format" };
  return undefined;
}

/** DeepSeek's own limits on top of OpenAI's tool shape: 128 functions; strict functions only on /beta, with closed schemas. */
function validateDeepSeekTools(body: Json, isBeta: boolean): ApiError | undefined {
  const tools = (body.tools ?? []) as { function: Json }[];
  if (tools.length > 128) return { status: 400, message: "Too many tools: at most 128 functions are supported", param: "tools" };
  if (!isBeta) return undefined;
  for (const [index, tool] of tools.entries()) {
    if (tool.function.strict !== true) continue;
    const problem = findStrictSchemaProblem(tool.function.parameters, `tools[${index}].function.parameters`);
    if (problem) return { status: 400, message: `Invalid schema for function '${String(tool.function.name)}' in strict mode: ${problem}`, param: `tools[${index}].function.parameters` };
  }
  return undefined;
}

/** Strict mode: every object lists all its properties in `required` and sets `additionalProperties: false`. */
function findStrictSchemaProblem(schema: unknown, at: string): string | undefined {
  if (!isObject(schema)) return undefined;
  if (schema.type === "object") {
    const properties = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (schema.additionalProperties !== false) return `${at}: 'additionalProperties' must be false`;
    const missing = properties.find((name) => !required.includes(name));
    if (missing) return `${at}: property '${missing}' must be listed in 'required'`;
  }
  const children = [
    ...Object.entries(isObject(schema.properties) ? schema.properties : {}).map(([name, child]) => [`${at}.properties.${name}`, child] as const),
    ...(schema.items !== undefined ? [[`${at}.items`, schema.items] as const] : []),
    ...(Array.isArray(schema.anyOf) ? schema.anyOf.map((child, index) => [`${at}.anyOf[${index}]`, child] as const) : []),
  ];
  for (const [path, child] of children) {
    const problem = findStrictSchemaProblem(child, path);
    if (problem) return problem;
  }
  return undefined;
}
