/**
 * A fake OpenAI Chat Completions server for e2e tests. Configure the gateway with baseUrl
 * `${fake.url}/v1` and apiKey FAKE_OPENAI_API_KEY.
 * References:
 *   https://platform.openai.com/docs/api-reference/chat/create       (request fields and types)
 *   https://platform.openai.com/docs/api-reference/chat/object       (response, usage)
 *   https://platform.openai.com/docs/api-reference/chat-streaming    (chunks, usage chunk, data: [DONE])
 *   https://platform.openai.com/docs/api-reference/models/list       (GET /v1/models)
 *   https://platform.openai.com/docs/guides/error-codes and
 *   https://help.openai.com/en/articles/6891839-api-error-code-guidance (error bodies)
 * Validation is strict on purpose: unknown fields, wrong types, out-of-range values, bad roles, broken
 * tool-call sequences and model-specific restrictions answer OpenAI's own 400 body, so translation bugs surface.
 * Models: FAKE_OPENAI_MODELS and their dated snapshots (e.g. gpt-4o-mini-2024-07-18); others answer 404.
 * Context windows (https://platform.openai.com/docs/models and https://openai.com/index/gpt-4-research/: gpt-4 8,192; gpt-4o and gpt-4o-mini 128,000; gpt-4.1
 * 1,047,576; o3, o3-mini, o4-mini 200,000; gpt-5 400,000): a prompt (counted with the model's encoding, cl100k_base
 * for gpt-4, o200k_base otherwise, plus 3 tokens a message and 3 for the reply) plus max_tokens over the window answers
 * OpenAI's 400 context_length_exceeded, worded as recorded in server/providers/__fixtures__/openai-error-400-context.json
 * (and, with max_tokens, "you requested N tokens (X in the messages, Y in the completion)").
 * Reasoning models (o-series, gpt-5) return no reasoning text in Chat Completions, only
 * usage.completion_tokens_details.reasoning_tokens (FAKE_USAGE.reasoning, included in completion_tokens):
 *   https://platform.openai.com/docs/guides/reasoning  ("reasoning tokens … are not visible via the API";
 *   their count is in usage.completion_tokens_details.reasoning_tokens)
 */
import { countTokens as countCl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";
import { FAKE_TEXT, FAKE_USAGE, type FakeContext, type FakeUpstream, type Scenario, startFake, streamDeltas } from "./common";

export const FAKE_OPENAI_API_KEY = "sk-fake-openai-0123456789";
export const FAKE_OPENAI_MODELS = ["gpt-4", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano"];
/** Arguments of the tool call in the "tool" scenario. */
export const FAKE_TOOL_ARGUMENTS = '{"location":"Paris","unit":"celsius"}';
export const TOOL_ARGUMENT_DELTAS = ['{"location"', ':"Paris",', '"unit":"celsius"}'];

type Json = Record<string, unknown>;
export interface ApiError {
  status: number;
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

const isReasoningModel = (model: string) => /^(o\d|gpt-5)/.test(model);
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export function startFakeOpenAI(port = 0): Promise<FakeUpstream> {
  return startFake("openai", handle, port);
}

function sendError(context: FakeContext, error: ApiError, headers: Record<string, string> = {}): void {
  const body = { error: { message: error.message, type: error.type ?? "invalid_request_error", param: error.param ?? null, code: error.code ?? null } };
  context.json(error.status, body, headers);
}

async function handle(context: FakeContext): Promise<void> {
  const route = `${context.request.method} ${context.url.pathname}`;
  if (route !== "POST /v1/chat/completions" && route !== "GET /v1/models") {
    return sendError(context, { status: 404, message: `Invalid URL (${route})` });
  }
  const authError = checkAuth(context.request.headers.authorization);
  if (authError) return sendError(context, authError);
  if (route === "GET /v1/models") {
    return context.json(200, { object: "list", data: FAKE_OPENAI_MODELS.map((id) => ({ id, object: "model", created: 1715367049, owned_by: "system" })) });
  }
  const invalid = validateRequest(context.body) ?? checkContextWindow(context.body as Json);
  if (invalid) return sendError(context, invalid);
  const body = context.body as Json;
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendScenarioError(context, scenario.status, String(body.model));
  if (body.stream === true) return streamAnswer(context, body, scenario);
  return jsonAnswer(context, body, scenario);
}

const CONTEXT_WINDOWS: [RegExp, number][] = [
  [/^gpt-4(-\d{4})?$/, 8_192],
  [/^gpt-4o/, 128_000],
  [/^gpt-4\.1/, 1_047_576],
  [/^o\d/, 200_000],
  [/^gpt-5/, 400_000],
];

function checkContextWindow(body: Json): ApiError | undefined {
  const model = String(body.model);
  const window = CONTEXT_WINDOWS.find(([pattern]) => pattern.test(model))?.[1];
  const messages = body.messages as { content?: unknown }[];
  const completion = typeof body.max_completion_tokens === "number" ? body.max_completion_tokens : typeof body.max_tokens === "number" ? body.max_tokens : 0;
  // A BPE token covers at least one byte: a prompt with fewer bytes than the window cannot overflow it.
  if (window === undefined || Buffer.byteLength(JSON.stringify(messages)) + completion <= window) return undefined;
  const count = model.startsWith("gpt-4") && !/^gpt-4[o.]/.test(model) ? countCl100k : countO200k;
  let prompt = 3;
  for (const message of messages) {
    prompt += 3;
    if (typeof message.content === "string") prompt += count(message.content);
    else if (Array.isArray(message.content)) for (const part of message.content as { text?: string }[]) if (typeof part.text === "string") prompt += count(part.text);
  }
  if (prompt + completion <= window) return undefined;
  const message = completion > 0
    ? `This model's maximum context length is ${window} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`
    : `This model's maximum context length is ${window} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`;
  return { status: 400, message, param: "messages", code: "context_length_exceeded" };
}

function checkAuth(header: string | undefined): ApiError | undefined {
  if (!header) {
    return { status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys." };
  }
  const key = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  if (key === FAKE_OPENAI_API_KEY) return undefined;
  const masked = key.length > 8 ? `${key.slice(0, 3)}${"*".repeat(Math.max(0, key.length - 7))}${key.slice(-4)}` : key;
  return { status: 401, message: `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`, code: "invalid_api_key" };
}

// ---------------------------------------------------------------- answers

/**
 * The usage object of an OpenAI chat answer for a scenario (also used by the Azure and DeepSeek fakes).
 * `reasoningTokens` are part of completion_tokens, as the API counts them.
 */
export function usage(scenario: Scenario, reasoningTokens = 0): Json {
  const completion = FAKE_USAGE.output + reasoningTokens;
  return {
    prompt_tokens: FAKE_USAGE.input,
    completion_tokens: completion,
    total_tokens: FAKE_USAGE.input + completion,
    prompt_tokens_details: { cached_tokens: scenario.name === "cached" ? FAKE_USAGE.cached : 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** Reasoning models (o-series, gpt-5) think before answering but Chat Completions returns no reasoning text: only the token count. */
const reasoningTokensOf = (body: Json) => (isReasoningModel(String(body.model)) ? FAKE_USAGE.reasoning : 0);

export function firstToolName(body: Json): string | undefined {
  const tools = body.tools as { function: { name: string } }[] | undefined;
  return tools?.[0]?.function.name;
}

function envelope(context: FakeContext, body: Json, object: string): Json {
  return { id: `chatcmpl-fake${context.record.seq}`, object, created: 1748265600, model: String(body.model), service_tier: "default", system_fingerprint: "fp_fake0001" };
}

async function jsonAnswer(context: FakeContext, body: Json, scenario: Scenario): Promise<void> {
  if (scenario.name === "cut") return context.cut();
  if (scenario.name === "stall") return void (await new Promise<void>((resolve) => context.response.once("close", () => resolve())));
  if (scenario.name === "slow" && !(await context.sleep(10_000))) return;
  const toolName = scenario.name === "tool" ? firstToolName(body) : undefined;
  const message = toolName
    ? { role: "assistant", content: null, tool_calls: [{ id: "call_fake_1", type: "function", function: { name: toolName, arguments: FAKE_TOOL_ARGUMENTS } }], refusal: null, annotations: [] }
    : { role: "assistant", content: FAKE_TEXT, refusal: null, annotations: [] };
  const answer: Json = { ...envelope(context, body, "chat.completion"), choices: [{ index: 0, message, logprobs: null, finish_reason: toolName ? "tool_calls" : "stop" }] };
  if (scenario.name !== "nousage") answer.usage = usage(scenario, reasoningTokensOf(body));
  context.json(200, answer);
}

async function streamAnswer(context: FakeContext, body: Json, scenario: Scenario): Promise<void> {
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true && scenario.name !== "nousage";
  const base = envelope(context, body, "chat.completion.chunk");
  const chunk = (choices: Json[], extra: Json = {}) => context.sse(JSON.stringify({ ...base, choices, ...(includeUsage ? { usage: null } : {}), ...extra }));
  const delta = (value: Json, finishReason: string | null = null) => ({ index: 0, delta: value, logprobs: null, finish_reason: finishReason });
  context.startSse();
  const toolName = scenario.name === "tool" ? firstToolName(body) : undefined;
  if (toolName) {
    chunk([delta({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_fake_1", type: "function", function: { name: toolName, arguments: "" } }], refusal: null })]);
    for (const piece of TOOL_ARGUMENT_DELTAS) chunk([delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] })]);
  } else {
    chunk([delta({ role: "assistant", content: "", refusal: null })]);
    const isComplete = await streamDeltas(context, scenario, (text) => chunk([delta({ content: text })]));
    if (!isComplete) return;
  }
  chunk([delta({}, toolName ? "tool_calls" : "stop")]);
  if (includeUsage) context.sse(JSON.stringify({ ...base, choices: [], usage: usage(scenario, reasoningTokensOf(body)) }));
  context.sse("[DONE]");
  context.end();
}

function sendScenarioError(context: FakeContext, status: number, model: string): void {
  const bodies: Record<number, ApiError> = {
    400: { status, message: "Invalid 'messages[0].content': string too long. Expected a string with maximum length 10485760, but got a string with length 10485761 instead.", param: "messages[0].content", code: "string_above_max_length" },
    401: { status, message: "Incorrect API key provided: sk-fak*****************6789. You can find your API key at https://platform.openai.com/account/api-keys.", code: "invalid_api_key" },
    403: { status, message: "Country, region, or territory not supported", type: "request_forbidden", code: "unsupported_country_region_territory" },
    404: { status, message: `The model \`${model}\` does not exist or you do not have access to it.`, code: "model_not_found" },
    429: { status, message: `Rate limit reached for ${model} in organization org-fake on tokens per min (TPM): Limit 30000, Used 29990, Requested 21. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.`, type: "tokens", code: "rate_limit_exceeded" },
    503: { status, message: "That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.", type: "server_error" },
  };
  const error = bodies[status] ?? { status, message: "The server had an error while processing your request. Sorry about that!", type: "server_error" };
  const headers: Record<string, string> = status === 429 ? { "retry-after": "1", "x-ratelimit-limit-tokens": "30000", "x-ratelimit-remaining-tokens": "10", "x-ratelimit-reset-tokens": "1s" } : {};
  sendError(context, error, headers);
}

// ---------------------------------------------------------------- validation

const TOP_LEVEL_FIELDS = new Set([
  "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "n", "seed",
  "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias", "user", "metadata", "tools", "tool_choice",
  "parallel_tool_calls", "response_format", "reasoning_effort", "store", "service_tier", "modalities", "audio", "prediction",
  "web_search_options", "verbosity", "prompt_cache_key", "safety_identifier", "function_call", "functions",
]);
const MESSAGE_FIELDS: Record<string, string[]> = {
  system: ["role", "content", "name"],
  developer: ["role", "content", "name"],
  user: ["role", "content", "name"],
  assistant: ["role", "content", "name", "tool_calls", "refusal", "audio", "function_call"],
  tool: ["role", "content", "tool_call_id"],
  function: ["role", "content", "name"],
};
type NumberRule = { kind: "decimal" | "integer"; min?: number; max?: number };
const NUMBER_FIELDS: Record<string, NumberRule> = {
  temperature: { kind: "decimal", min: 0, max: 2 },
  top_p: { kind: "decimal", min: 0, max: 1 },
  presence_penalty: { kind: "decimal", min: -2, max: 2 },
  frequency_penalty: { kind: "decimal", min: -2, max: 2 },
  n: { kind: "integer", min: 1, max: 128 },
  seed: { kind: "integer" },
  max_tokens: { kind: "integer", min: 1 },
  max_completion_tokens: { kind: "integer", min: 1 },
  top_logprobs: { kind: "integer", min: 0, max: 20 },
};
const BOOLEAN_FIELDS = ["stream", "logprobs", "parallel_tool_calls", "store"];
const STRING_FIELDS = ["user", "prompt_cache_key", "safety_identifier"];

const typeName = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value === "number" ? (Number.isInteger(value) ? "an integer" : "a decimal") : `a ${typeof value}`);
const invalidType = (param: string, expected: string, value: unknown): ApiError => ({ status: 400, message: `Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`, param, code: "invalid_type" });
const invalidValue = (param: string, message: string): ApiError => ({ status: 400, message, param, code: "invalid_value" });
const missing = (param: string): ApiError => ({ status: 400, message: `Missing required parameter: '${param}'.`, param, code: "missing_required_parameter" });

/** Returns OpenAI's error for the first problem found, or undefined when the request is valid. */
export function validateRequest(body: unknown): ApiError | undefined {
  if (!isObject(body) || "__invalid_json" in body) {
    return { status: 400, message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)" };
  }
  for (const field of Object.keys(body)) {
    if (!TOP_LEVEL_FIELDS.has(field)) return { status: 400, message: `Unrecognized request argument supplied: ${field}` };
  }
  if (body.model === undefined) return { status: 400, message: "you must provide a model parameter" };
  if (typeof body.model !== "string") return invalidType("model", "a string", body.model);
  if (!isKnownModel(body.model)) return { status: 404, message: `The model \`${body.model}\` does not exist or you do not have access to it.`, code: "model_not_found" };
  return validateScalars(body) ?? validateMessages(body) ?? validateTools(body) ?? validateResponseFormat(body) ?? validateModelRules(body);
}

function isKnownModel(model: string): boolean {
  return FAKE_OPENAI_MODELS.some((id) => model === id || new RegExp(`^${id.replace(/\./g, "\\.")}-\\d{4}-\\d{2}-\\d{2}$`).test(model));
}

function validateScalars(body: Json): ApiError | undefined {
  for (const [param, rule] of Object.entries(NUMBER_FIELDS)) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || (rule.kind === "integer" && !Number.isInteger(value))) return invalidType(param, rule.kind === "integer" ? "an integer" : "a decimal", value);
    if (rule.max !== undefined && value > rule.max) return { status: 400, message: `Invalid '${param}': ${rule.kind} above maximum value. Expected a value <= ${rule.max}, but got ${value} instead.`, param, code: `${rule.kind}_above_max_value` };
    if (rule.min !== undefined && value < rule.min) return { status: 400, message: `Invalid '${param}': ${rule.kind} below minimum value. Expected a value >= ${rule.min}, but got ${value} instead.`, param, code: `${rule.kind}_below_min_value` };
  }
  for (const param of BOOLEAN_FIELDS) if (body[param] != null && typeof body[param] !== "boolean") return invalidType(param, "a boolean", body[param]);
  for (const param of STRING_FIELDS) if (body[param] != null && typeof body[param] !== "string") return invalidType(param, "a string", body[param]);
  const stop = body.stop;
  if (stop != null && typeof stop !== "string" && !(Array.isArray(stop) && stop.length <= 4 && stop.every((item) => typeof item === "string"))) return invalidType("stop", "a string or an array of at most 4 strings", stop);
  if (body.stream_options != null) {
    if (body.stream !== true) return { status: 400, message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options" };
    if (!isObject(body.stream_options) || Object.keys(body.stream_options).some((key) => key !== "include_usage" && key !== "include_obfuscation")) return invalidValue("stream_options", "Invalid 'stream_options': unknown field.");
  }
  if (body.top_logprobs != null && body.logprobs !== true) return invalidValue("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is specified.");
  if (body.metadata != null && !(isObject(body.metadata) && Object.values(body.metadata).every((value) => typeof value === "string"))) return invalidType("metadata", "an object with string values", body.metadata);
  if (body.logit_bias != null && !(isObject(body.logit_bias) && Object.values(body.logit_bias).every((value) => typeof value === "number"))) return invalidType("logit_bias", "an object with number values", body.logit_bias);
  const efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];
  if (body.reasoning_effort != null && !efforts.includes(String(body.reasoning_effort))) return invalidValue("reasoning_effort", `Invalid value: '${String(body.reasoning_effort)}'. Supported values are: ${efforts.map((effort) => `'${effort}'`).join(", ")}.`);
  return undefined;
}

function validateMessages(body: Json): ApiError | undefined {
  const messages = body.messages;
  if (messages === undefined) return missing("messages");
  if (!Array.isArray(messages)) return invalidType("messages", "an array", messages);
  if (messages.length === 0) return { status: 400, message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: "messages", code: "empty_array" };
  let pendingToolCalls: { index: number; ids: Set<string> } | undefined;
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    if (!isObject(message)) return invalidType(at, "an object", message);
    const role = String(message.role);
    if (!(role in MESSAGE_FIELDS)) return invalidValue(`${at}.role`, `Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`);
    const extra = Object.keys(message).find((key) => !MESSAGE_FIELDS[role].includes(key));
    if (extra) return { status: 400, message: `Additional properties are not allowed ('${extra}' was unexpected) - 'messages.${index}'`, param: `messages.[${index}]` };
    if (role === "tool") {
      if (typeof message.tool_call_id !== "string") return missing(`${at}.tool_call_id`);
      if (!pendingToolCalls?.ids.has(message.tool_call_id)) return { status: 400, message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: `messages.[${index}].role` };
      pendingToolCalls.ids.delete(message.tool_call_id);
    } else if (pendingToolCalls && pendingToolCalls.ids.size > 0) {
      return { status: 400, message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pendingToolCalls.ids].join(", ")}`, param: `messages.[${pendingToolCalls.index}].role` };
    }
    const contentError = validateContent(role, message, at);
    if (contentError) return contentError;
    if (role === "assistant" && message.tool_calls !== undefined) {
      const toolCallError = validateToolCalls(message.tool_calls, `${at}.tool_calls`);
      if (toolCallError) return toolCallError;
      pendingToolCalls = { index, ids: new Set((message.tool_calls as { id: string }[]).map((call) => call.id)) };
    }
  }
  if (pendingToolCalls && pendingToolCalls.ids.size > 0) {
    return { status: 400, message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pendingToolCalls.ids].join(", ")}`, param: `messages.[${pendingToolCalls.index}].role` };
  }
  return undefined;
}

function validateContent(role: string, message: Json, at: string): ApiError | undefined {
  const content = message.content;
  if (role === "assistant" && (content === undefined || content === null)) return message.tool_calls === undefined && message.function_call === undefined ? missing(`${at}.content`) : undefined;
  if (content === undefined) return missing(`${at}.content`);
  if (typeof content === "string") return undefined;
  if (!Array.isArray(content)) return invalidType(`${at}.content`, "one of a string or array of objects", content);
  const allowed = role === "user" ? ["text", "image_url", "input_audio", "file"] : role === "assistant" ? ["text", "refusal"] : ["text"];
  for (const [index, part] of content.entries()) {
    const partAt = `${at}.content[${index}]`;
    if (!isObject(part) || !allowed.includes(String(part.type))) return invalidValue(`${partAt}.type`, `Invalid value: '${isObject(part) ? String(part.type) : typeName(part)}'. Supported values are: ${allowed.map((type) => `'${type}'`).join(", ")}.`);
    if (part.type === "text" && typeof part.text !== "string") return invalidType(`${partAt}.text`, "a string", part.text);
    if (part.type === "image_url") {
      const url = isObject(part.image_url) ? part.image_url.url : undefined;
      if (typeof url !== "string") return missing(`${partAt}.image_url.url`);
      if (!/^https?:\/\//.test(url) && !/^data:image\/(png|jpeg|gif|webp);base64,/.test(url)) return invalidValue(`${partAt}.image_url.url`, `Invalid '${partAt}.image_url.url'. Expected a valid URL or a base64-encoded data URL with an image MIME type.`);
    }
    if (part.type === "input_audio" && !(isObject(part.input_audio) && typeof part.input_audio.data === "string" && ["wav", "mp3"].includes(String(part.input_audio.format)))) return invalidValue(`${partAt}.input_audio`, `Invalid '${partAt}.input_audio': expected data and a format of 'wav' or 'mp3'.`);
  }
  return undefined;
}

export function validateToolCalls(toolCalls: unknown, at: string): ApiError | undefined {
  if (!Array.isArray(toolCalls)) return invalidType(at, "an array", toolCalls);
  for (const [index, call] of toolCalls.entries()) {
    const callAt = `${at}[${index}]`;
    if (!isObject(call) || typeof call.id !== "string") return missing(`${callAt}.id`);
    if (call.type !== "function") return invalidValue(`${callAt}.type`, `Invalid value: '${String(call.type)}'. Supported values are: 'function'.`);
    if (!isObject(call.function) || typeof call.function.name !== "string") return missing(`${callAt}.function.name`);
    if (typeof call.function.arguments !== "string") return invalidType(`${callAt}.function.arguments`, "a string", call.function.arguments);
  }
  return undefined;
}

export function validateTools(body: Json): ApiError | undefined {
  const tools = body.tools;
  const names: string[] = [];
  if (tools != null) {
    if (!Array.isArray(tools)) return invalidType("tools", "an array", tools);
    for (const [index, tool] of tools.entries()) {
      const at = `tools[${index}]`;
      if (!isObject(tool) || tool.type !== "function") return invalidValue(`${at}.type`, `Invalid value: '${isObject(tool) ? String(tool.type) : typeName(tool)}'. Supported values are: 'function' and 'custom'.`);
      if (!isObject(tool.function)) return missing(`${at}.function`);
      const extra = Object.keys(tool.function).find((key) => !["name", "description", "parameters", "strict"].includes(key));
      if (extra) return { status: 400, message: `Unrecognized request argument supplied: ${extra}`, param: `${at}.function` };
      const name = tool.function.name;
      if (typeof name !== "string") return missing(`${at}.function.name`);
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) return invalidValue(`${at}.function.name`, `Invalid '${at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`);
      if (tool.function.parameters !== undefined && !isObject(tool.function.parameters)) return invalidType(`${at}.function.parameters`, "an object", tool.function.parameters);
      names.push(name);
    }
  }
  const hasTools = names.length > 0;
  if (body.tool_choice != null) {
    if (!hasTools) return invalidValue("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
    const choice = body.tool_choice;
    const isNamed = isObject(choice) && choice.type === "function" && isObject(choice.function) && typeof choice.function.name === "string";
    if (!isNamed && !["none", "auto", "required"].includes(String(choice))) return invalidValue("tool_choice", "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a named function.");
    if (isNamed && !names.includes(String((choice.function as Json).name))) return invalidValue("tool_choice", `Invalid value for 'tool_choice': function '${String((choice.function as Json).name)}' is not in 'tools'.`);
  }
  if (body.parallel_tool_calls != null && !hasTools) return invalidValue("parallel_tool_calls", "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.");
  return undefined;
}

function validateResponseFormat(body: Json): ApiError | undefined {
  const format = body.response_format;
  if (format == null) return undefined;
  if (!isObject(format) || !["text", "json_object", "json_schema"].includes(String(format.type))) return invalidValue("response_format.type", `Invalid value: '${isObject(format) ? String(format.type) : typeName(format)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`);
  if (format.type === "json_schema") {
    if (!isObject(format.json_schema)) return missing("response_format.json_schema");
    if (typeof format.json_schema.name !== "string") return missing("response_format.json_schema.name");
  }
  if (format.type === "json_object" && !/json/i.test(JSON.stringify(body.messages))) {
    return { status: 400, message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", param: "messages" };
  }
  return undefined;
}

/** Restrictions the real API applies per model family. */
function validateModelRules(body: Json): ApiError | undefined {
  const model = String(body.model);
  if (isReasoningModel(model)) {
    if (body.max_tokens != null) return { status: 400, message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", param: "max_tokens", code: "unsupported_parameter" };
    if (body.temperature != null && body.temperature !== 1) return { status: 400, message: `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`, param: "temperature", code: "unsupported_value" };
  } else if (body.reasoning_effort != null) {
    return { status: 400, message: "Unrecognized request argument supplied: reasoning_effort" };
  }
  return undefined;
}
