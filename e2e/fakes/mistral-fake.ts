/**
 * A strict fake Mistral AI API (La Plateforme) for tests. Configure the gateway with baseUrl `${fake.url}/v1` and
 * apiKey FAKE_MISTRAL_API_KEY. Serves POST /v1/chat/completions, POST /v1/embeddings (mistral-embeddings.ts) and
 * GET /v1/models.
 * References:
 *   https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post  (request fields: model,
 *     messages, temperature, top_p, max_tokens, stream, stop, random_seed, metadata, response_format, tools, tool_choice,
 *     presence_penalty, frequency_penalty, n, prediction, parallel_tool_calls, prompt_mode, safe_prompt; no
 *     stream_options, seed, user, logprobs or logit_bias; roles system/user/assistant/tool; the stream is data-only
 *     chunks ended by `data: [DONE]`)
 *   https://docs.mistral.ai/capabilities/function_calling  (tool_calls with 9-character ids; tool messages answer them
 *     with tool_call_id, mandatory since https://docs.mistral.ai/resources/release-notes/2024-05-23-mandatory-tool-call-id-in-function-calling)
 *   https://github.com/mistralai/client-python/issues/40  (usage comes in the last stream chunk by itself, beside the
 *     finish_reason; there is no stream_options)
 *   https://docs.mistral.ai/resources/known-limitations  (a prompt over the context window is a 400 Bad Request)
 * Error bodies are Mistral's flat shape {"object":"error","message","type","param","code"}, as recorded in:
 *   422 extra field (pydantic extra_forbidden, message is an object; stream_options is refused at its keys):
 *     https://github.com/avante-corp/avante.nvim/issues/2347, https://github.com/Gage-Technologies/mistral-go/pull/2
 *   400 tool-call id: https://github.com/nearai/ironclaw/issues/1241, https://github.com/editor-code-assistant/eca/issues/233
 *   400 calls without results: https://github.com/mistralai/client-ts/issues/106
 *   400 unknown model: https://github.com/mistralai/mistral-vibe/issues/617
 *   401: {"detail":"Unauthorized"}, https://github.com/nextcloud/integration_openai/issues/332
 *   400 context window ([[fake:error:400]]): https://portkey.ai/error-library/context-length-exceeded-error-13710000
 *     (type invalid_request_invalid_args, code "3051", as an SDK recorded it; the wording with "and 0 draft tokens")
 *   429 ([[fake:error:429]]): https://github.com/raycast/extensions/issues/31107
 * Scenarios (common.ts): text, tool (a call to the first tool, id FAKE_MISTRAL_TOOL_CALL_ID), cut, error:NNN.
 */
import { randomUUID } from "node:crypto";
import { FAKE_TEXT, FAKE_USAGE, type FakeContext, type FakeUpstream, type Scenario, startFake, streamDeltas } from "./common";
import { handleMistralEmbeddings } from "./mistral-embeddings";
import { extraForbidden, type MistralError, sendMistralError } from "./mistral-errors";
import { FAKE_TOOL_ARGUMENTS, firstToolName } from "./openai-fake";

export const FAKE_MISTRAL_API_KEY = "fake-mistral-0123456789abcdefABCD";
export const FAKE_MISTRAL_MODELS = ["mistral-small-latest", "mistral-large-latest", "mistral-embed"];
/** A Mistral-shaped tool-call id (9 of [a-zA-Z0-9]) the fake answers in the tool scenario. */
export const FAKE_MISTRAL_TOOL_CALL_ID = "D681PevKs";
/** The context-window 400 ([[fake:error:400]]), as Mistral words it. */
export const MISTRAL_CONTEXT_OVERFLOW = "Prompt contains 159202 tokens and 0 draft tokens, too large for model with 131072 maximum context length";
const TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const CHAT_FIELDS = new Set([
  "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "metadata", "response_format", "tools",
  "tool_choice", "presence_penalty", "frequency_penalty", "n", "prediction", "parallel_tool_calls", "prompt_mode", "safe_prompt",
]);
const MESSAGE_FIELDS: Record<string, string[]> = {
  system: ["role", "content"],
  user: ["role", "content"],
  assistant: ["role", "content", "tool_calls", "prefix"],
  tool: ["role", "content", "tool_call_id", "name"],
};

export function startFakeMistral(port = 0): Promise<FakeUpstream> {
  return startFake("mistral", handle, port);
}

async function handle(context: FakeContext): Promise<void> {
  const route = `${context.request.method} ${context.url.pathname}`;
  if (!["POST /v1/chat/completions", "POST /v1/embeddings", "GET /v1/models"].includes(route)) return context.json(404, { detail: "Not Found" });
  if (context.request.headers.authorization !== `Bearer ${FAKE_MISTRAL_API_KEY}`) return context.json(401, { detail: "Unauthorized" });
  if (route === "GET /v1/models") return context.json(200, { object: "list", data: FAKE_MISTRAL_MODELS.map((id) => ({ id, object: "model", created: 1733356800, owned_by: "mistralai" })) });
  if (route === "POST /v1/embeddings") return handleMistralEmbeddings(context);
  const invalid = validateChatRequest(context.body);
  if (invalid) return sendMistralError(context, invalid);
  const body = context.body as Json;
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendScenarioError(context, scenario.status);
  if (body.stream === true) return streamAnswer(context, body, scenario);
  return jsonAnswer(context, body, scenario);
}

// ---------------------------------------------------------------- answers

const usage = () => ({ prompt_tokens: FAKE_USAGE.input, total_tokens: FAKE_USAGE.input + FAKE_USAGE.output, completion_tokens: FAKE_USAGE.output });
const toolCall = (name: string) => ({ id: FAKE_MISTRAL_TOOL_CALL_ID, type: "function", function: { name, arguments: FAKE_TOOL_ARGUMENTS }, index: 0 });

function jsonAnswer(context: FakeContext, body: Json, scenario: Scenario): void {
  if (scenario.name === "cut") return context.cut();
  const toolName = scenario.name === "tool" ? firstToolName(body) : undefined;
  const message = toolName ? { role: "assistant", content: "", tool_calls: [toolCall(toolName)], prefix: false } : { role: "assistant", content: FAKE_TEXT, tool_calls: null, prefix: false };
  const choice = { index: 0, message, finish_reason: toolName ? "tool_calls" : "stop" };
  context.json(200, { id: randomUUID().replace(/-/g, ""), object: "chat.completion", model: body.model, usage: usage(), created: 1748265600, choices: [choice] });
}

/** Mistral's chunks: the role first, then deltas; the last chunk carries the finish_reason and the usage together. */
async function streamAnswer(context: FakeContext, body: Json, scenario: Scenario): Promise<void> {
  const envelope = { id: randomUUID().replace(/-/g, ""), object: "chat.completion.chunk", created: 1748265600, model: body.model };
  const chunk = (delta: Json, finishReason: string | null = null, extra: Json = {}) => context.sse(JSON.stringify({ ...envelope, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra }));
  context.startSse();
  chunk({ role: "assistant", content: "" });
  const toolName = scenario.name === "tool" ? firstToolName(body) : undefined;
  if (toolName) chunk({ tool_calls: [toolCall(toolName)] });
  else if (!(await streamDeltas(context, scenario, (text) => chunk({ content: text })))) return;
  chunk({ content: "" }, toolName ? "tool_calls" : "stop", { usage: usage() });
  context.sse("[DONE]");
  context.end();
}

function sendScenarioError(context: FakeContext, status: number): void {
  const errors: Record<number, MistralError> = {
    400: { status, message: MISTRAL_CONTEXT_OVERFLOW, type: "invalid_request_invalid_args", code: "3051" },
    429: { status, message: "Rate limit exceeded", type: "rate_limited", code: "1300" },
  };
  sendMistralError(context, errors[status] ?? { status, message: `Fake error ${status}.` });
}

// ---------------------------------------------------------------- validation

/** Mistral's error for the first problem found, or undefined when the request is valid. */
export function validateChatRequest(body: unknown): MistralError | undefined {
  if (!isObject(body) || "__invalid_json" in body) return { status: 400, message: "Invalid JSON body" };
  const extra = Object.keys(body).filter((field) => !CHAT_FIELDS.has(field));
  if (extra.length > 0) return extraForbidden(extra.flatMap((field) => extraLocations(field, body[field])));
  if (typeof body.model !== "string" || !FAKE_MISTRAL_MODELS.includes(body.model)) return { status: 400, message: `Invalid model: ${String(body.model ?? "")}`, type: "invalid_model", code: "1500" };
  return validateMessages(body.messages);
}

/** stream_options is refused at each of its keys (Mistral's 422 names body.stream_options.include_usage). */
function extraLocations(field: string, value: unknown): { loc: (string | number)[]; input: unknown }[] {
  if (field === "stream_options" && isObject(value) && Object.keys(value).length > 0) return Object.entries(value).map(([key, input]) => ({ loc: [field, key], input }));
  return [{ loc: [field], input: value }];
}

function validateMessages(messages: unknown): MistralError | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return { status: 400, message: "Messages must not be empty" };
  const extra = messages.flatMap((message, index) => {
    const role = isObject(message) ? String(message.role) : "";
    const allowed = MESSAGE_FIELDS[role] ?? [];
    return isObject(message) ? Object.keys(message).filter((field) => !allowed.includes(field)).map((field) => ({ loc: ["messages", index, role, field], input: message[field] })) : [];
  });
  if (extra.length > 0) return extraForbidden(extra);
  const unanswered = { status: 400, message: "Not the same number of function calls and responses" };
  const pending = new Set<string>();
  for (const message of messages as Json[]) {
    const ids = message.role === "assistant" && Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]).map((call) => call.id) : message.role === "tool" ? [message.tool_call_id] : [];
    const badId = ids.find((id) => typeof id !== "string" || !TOOL_CALL_ID.test(id));
    if (badId !== undefined) return { status: 400, message: `Tool call id was ${String(badId)} but must be a-z, A-Z, 0-9, with a length of 9.`, type: "invalid_function_call", code: "3280" };
    if (message.role === "tool") {
      if (!pending.delete(message.tool_call_id as string)) return unanswered;
      continue;
    }
    if (pending.size > 0) return unanswered;
    for (const id of ids) pending.add(id as string);
  }
  return pending.size > 0 ? unanswered : undefined;
}
