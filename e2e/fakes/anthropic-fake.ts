/**
 * Fake Anthropic Messages API for e2e tests: POST /v1/messages (configure the gateway's Anthropic base URL as
 * http://127.0.0.1:PORT/v1). Validates like the real API so translation bugs surface as the provider's own 400s.
 *
 * References:
 * - https://platform.claude.com/docs/en/api/messages (request fields and types, response Message shape)
 * - https://platform.claude.com/docs/en/build-with-claude/streaming (event sequence and shapes)
 * - https://platform.claude.com/docs/en/api/errors ({"type":"error","error":{type,message},"request_id"}; statuses)
 * - https://platform.claude.com/docs/en/build-with-claude/extended-thinking (budget_tokens >= 1024 and < max_tokens;
 *   temperature only 1, top_p >= 0.95, no top_k, no forced tool use while thinking). With thinking enabled the answer
 *   starts with a `thinking` content block {type, thinking, signature} (FAKE_REASONING), then the text or tool_use;
 *   streamed as content_block_start {type:"thinking", thinking:"", signature:""}, thinking_delta events, one
 *   signature_delta, content_block_stop. `display: "omitted"` sends the block with empty thinking text. The usage
 *   carries no separate thinking count (thinking tokens are billed inside output_tokens).
 *   A thinking block sent back in history must be one the fake issued (its signature and text unmodified), else
 *   400 "Invalid `signature` in `thinking` block", as the API answers (#preserving-thinking-blocks).
 * - https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview (tool_use → tool_result pairing,
 *   tool_result blocks first in the user turn)
 *
 * Authentication: an `x-api-key` header is required (401 authentication_error otherwise); any key starting with
 * "sk-ant-" (the real key prefix, e.g. FAKE_ANTHROPIC_API_KEY) is valid, anything else is "invalid x-api-key".
 * `anthropic-version` is required. `anthropic-beta` is optional: comma-separated names, each one the fake knows
 * (./anthropic-betas.ts), else 400 "Unsupported beta header: <name>"
 * (https://platform.claude.com/docs/en/api/beta-headers); tests read what arrived in `received[].headers`. Scenarios: see common.ts; "cached" reports 8 of the 21 prompt tokens as
 * cache_read_input_tokens (input_tokens 13), so total input stays 21. "promptcache" counts the prompt and honours
 * cache_control breakpoints (./anthropic-prompt-cache.ts, after the prompt-caching page).
 */
import { z } from "zod";
import { splitBetaHeader, unsupportedBetaMessage } from "./anthropic-betas";
import { promptCacheUsage } from "./anthropic-prompt-cache";
import { FAKE_REASONING, FAKE_REASONING_DELTAS, FAKE_TEXT, FAKE_USAGE, startFake, streamDeltas, type FakeContext, type FakeUpstream, type Scenario } from "./common";

export const FAKE_ANTHROPIC_API_KEY = "sk-ant-fake-e2e-key";
const KNOWN_VERSIONS = new Set(["2023-06-01", "2023-01-01"]);
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};
const ERROR_MESSAGES: Record<string, string> = {
  authentication_error: "invalid x-api-key",
  permission_error: "Your API key does not have permission to use the specified resource.",
  not_found_error: "Not Found",
  request_too_large: "Request exceeds the maximum allowed number of bytes.",
  rate_limit_error: "This request would exceed your organization's rate limit. Please try again later.",
  api_error: "Internal server error",
  overloaded_error: "Overloaded",
};

// ---- request schema (strict: unknown fields are "Extra inputs are not permitted", as the API answers) -----

const cacheControl = z.strictObject({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() }).nullish();
const idPattern = z.string().regex(/^[a-zA-Z0-9_-]+$/);
const textBlock = z.strictObject({ type: z.literal("text"), text: z.string().min(1, "text content blocks must be non-empty"), cache_control: cacheControl, citations: z.array(z.unknown()).nullish() });
const imageBlock = z.strictObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("base64"), media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]), data: z.string().min(1) }),
    z.strictObject({ type: z.literal("url"), url: z.url() }),
  ]),
  cache_control: cacheControl,
});
const documentBlock = z.strictObject({
  type: z.literal("document"),
  source: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("base64"), media_type: z.literal("application/pdf"), data: z.string().min(1) }),
    z.strictObject({ type: z.literal("text"), media_type: z.literal("text/plain"), data: z.string() }),
    z.strictObject({ type: z.literal("url"), url: z.url() }),
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.strictObject({ enabled: z.boolean().optional() }).nullish(),
  cache_control: cacheControl,
});
const toolUseBlock = z.strictObject({ type: z.literal("tool_use"), id: idPattern, name: z.string().min(1), input: z.record(z.string(), z.unknown()), cache_control: cacheControl });
const toolResultBlock = z.strictObject({
  type: z.literal("tool_result"),
  tool_use_id: idPattern,
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock, documentBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
const thinkingBlock = z.strictObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.strictObject({ type: z.literal("redacted_thinking"), data: z.string() });
const contentBlock = z.discriminatedUnion("type", [textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock]);
const messageSchema = z.strictObject({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(contentBlock)]) });

const toolSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal("object") }),
  strict: z.boolean().optional(),
  type: z.literal("custom").nullish(),
  cache_control: cacheControl,
});
const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoiceSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auto"), ...parallel }),
  z.strictObject({ type: z.literal("any"), ...parallel }),
  z.strictObject({ type: z.literal("tool"), name: z.string(), ...parallel }),
  z.strictObject({ type: z.literal("none") }),
]);
const thinkingSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("enabled"), budget_tokens: z.number().int().min(1024), display: z.enum(["summarized", "omitted"]).nullish() }),
  z.strictObject({ type: z.literal("disabled") }),
  z.strictObject({ type: z.literal("adaptive"), display: z.enum(["summarized", "omitted"]).nullish() }),
]);

const requestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  metadata: z.strictObject({ user_id: z.string().max(256).nullish() }).optional(),
  stop_sequences: z.array(z.string().regex(/\S/, "each stop sequence must contain non-whitespace")).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
  output_config: z
    .strictObject({
      format: z.strictObject({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }).nullish(),
      effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
    })
    .optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
});
type AnthropicRequest = z.infer<typeof requestSchema>;
type Block = z.infer<typeof contentBlock>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") return `${[...path, issue.keys[0]].join(".")}: Extra inputs are not permitted`;
  return `${path.join(".") || "body"}: ${issue.message}`;
}

const USER_BLOCKS = new Set(["text", "image", "document", "tool_result"]);
const ASSISTANT_BLOCKS = new Set(["text", "tool_use", "thinking", "redacted_thinking"]);

/** The rules a schema cannot express; returns the API's error message or undefined. */
function checkSemantics(request: AnthropicRequest): string | undefined {
  const { messages } = request;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    const blocks: Block[] = typeof message.content === "string" ? (message.content === "" ? [] : [{ type: "text", text: message.content }]) : message.content;
    const isFinalAssistant = index === messages.length - 1 && message.role === "assistant";
    if (blocks.length === 0 && !isFinalAssistant) return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    if (index > 0 && messages[index - 1].role === message.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
    }
    const allowed = message.role === "user" ? USER_BLOCKS : ASSISTANT_BLOCKS;
    const badBlock = blocks.findIndex((block) => !allowed.has(block.type));
    if (badBlock >= 0) return `messages.${index}.content.${badBlock}.type: \`${blocks[badBlock].type}\` blocks are not allowed in \`${message.role}\` messages`;
    const pairing = checkToolPairing(messages, index, blocks);
    if (pairing) return pairing;
    const signature = checkSignatures(index, blocks);
    if (signature) return signature;
  }
  return checkTools(request) ?? checkThinking(request);
}

/**
 * A thinking block sent back must be one this fake issued, unmodified (the real API checks the signature against the
 * thinking text: extended-thinking#thinking-encryption). Redacted data is opaque here: the fake never issues any.
 */
function checkSignatures(index: number, blocks: Block[]): string | undefined {
  const position = blocks.findIndex((block) => block.type === "thinking" && (block.signature !== THINKING_SIGNATURE || (block.thinking !== FAKE_REASONING && block.thinking !== "")));
  return position >= 0 ? `messages.${index}.content.${position}: Invalid \`signature\` in \`thinking\` block` : undefined;
}

function blocksOf(message: AnthropicRequest["messages"][number] | undefined): Block[] {
  if (!message || typeof message.content === "string") return [];
  return message.content;
}

function checkToolPairing(messages: AnthropicRequest["messages"], index: number, blocks: Block[]): string | undefined {
  const message = messages[index];
  if (message.role === "assistant") {
    const ids = blocks.flatMap((block) => (block.type === "tool_use" ? [block.id] : []));
    const answered = new Set(blocksOf(messages[index + 1]).flatMap((block) => (block.type === "tool_result" ? [block.tool_use_id] : [])));
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    return undefined;
  }
  const asked = new Set(blocksOf(messages[index - 1]).flatMap((block) => (block.type === "tool_use" ? [block.id] : [])));
  let seenOther = false;
  for (const [position, block] of blocks.entries()) {
    if (block.type !== "tool_result") {
      seenOther = true;
      continue;
    }
    if (seenOther) return `messages.${index}.content.${position}: tool_result blocks must come before any other content in a user message`;
    if (!asked.has(block.tool_use_id)) {
      return `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
  }
  return undefined;
}

function checkTools(request: AnthropicRequest): string | undefined {
  const names = (request.tools ?? []).map((tool) => tool.name);
  if (new Set(names).size !== names.length) return "tools: Tool names must be unique.";
  const choice = request.tool_choice;
  if (choice && choice.type !== "none" && names.length === 0) return "tool_choice: tool_choice may only be specified while providing tools.";
  if (choice?.type === "tool" && !names.includes(choice.name)) return `tool_choice.name: Tool '${choice.name}' not found in provided tools`;
  return undefined;
}

function checkThinking(request: AnthropicRequest): string | undefined {
  if (request.thinking?.type !== "enabled") return undefined;
  if (request.max_tokens <= request.thinking.budget_tokens) return "max_tokens: must be greater than thinking.budget_tokens";
  if (request.temperature !== undefined && request.temperature !== 1) return "temperature: may only be set to 1 when thinking is enabled";
  if (request.top_k !== undefined) return "top_k: may not be set when thinking is enabled";
  if (request.top_p !== undefined && request.top_p < 0.95) return "top_p: must be between 0.95 and 1 when thinking is enabled";
  if (request.tool_choice?.type === "any" || request.tool_choice?.type === "tool") return "Thinking may not be enabled when tool_choice forces tool use.";
  const last = request.messages.at(-1);
  const previous = request.messages.at(-2);
  if (last?.role === "user" && blocksOf(last).some((block) => block.type === "tool_result")) {
    const first = blocksOf(previous)[0];
    if (first && first.type !== "thinking" && first.type !== "redacted_thinking") {
      return `messages.${request.messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
    }
  }
  return undefined;
}

// ---- answers ---------------------------------------------------------------------------------------

function requestId(context: FakeContext): string {
  return `req_fake${String(context.record.seq).padStart(6, "0")}`;
}

function reject(context: FakeContext, status: number, message?: string): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  const headers: Record<string, string> = { "request-id": requestId(context) };
  if (status === 429) headers["retry-after"] = "1";
  const error = { type, message: message ?? ERROR_MESSAGES[type] ?? "Invalid request" };
  context.json(status, { type: "error", error, request_id: requestId(context) }, headers);
}

function usageFor(scenario: Scenario, outputTokens: number, request: AnthropicRequest) {
  if (scenario.name === "nousage") return undefined;
  if (scenario.name === "promptcache") return { ...promptCacheUsage(request), output_tokens: outputTokens };
  const cached = scenario.name === "cached" ? FAKE_USAGE.cached : 0;
  return { input_tokens: FAKE_USAGE.input - cached, cache_creation_input_tokens: 0, cache_read_input_tokens: cached, output_tokens: outputTokens };
}

/** A plausible input for the first declared tool: one value per required (else first) property. */
function fakeToolCall(request: AnthropicRequest): { id: string; name: string; input: Record<string, unknown> } | undefined {
  const tool = request.tools?.[0];
  if (!tool) return undefined;
  const properties = (tool.input_schema.properties ?? {}) as Record<string, { type?: string }>;
  const required = Array.isArray(tool.input_schema.required) ? (tool.input_schema.required as string[]) : Object.keys(properties).slice(0, 1);
  const samples: Record<string, unknown> = { string: "Paris", number: 1, integer: 1, boolean: true, array: [], object: {} };
  const input = Object.fromEntries(required.map((name) => [name, samples[properties[name]?.type ?? "string"] ?? "Paris"]));
  return { id: "toolu_01FakeToolCall0000000001", name: tool.name, input };
}

/** A fixed signature: the real one is opaque base64 that the API checks when the block is sent back. */
export const THINKING_SIGNATURE = "EqQBCkgIBxABGAIiQGZha2UtdGhpbmtpbmctc2lnbmF0dXJlLWZvci1lMmUtdGVzdHM=";

/** The thinking text the answer carries, or undefined when thinking is off ("" when display is "omitted"). */
function thinkingOf(request: AnthropicRequest): string | undefined {
  const thinking = request.thinking;
  if (thinking?.type !== "enabled" && thinking?.type !== "adaptive") return undefined;
  return thinking.display === "omitted" ? "" : FAKE_REASONING;
}

function answerMessage(context: FakeContext, request: AnthropicRequest, scenario: Scenario): void {
  const toolCall = scenario.name === "tool" ? fakeToolCall(request) : undefined;
  const thinking = thinkingOf(request);
  const content: Record<string, unknown>[] = thinking === undefined ? [] : [{ type: "thinking", thinking, signature: THINKING_SIGNATURE }];
  content.push(toolCall ? { type: "tool_use", ...toolCall } : { type: "text", text: FAKE_TEXT, citations: null });
  const usage = usageFor(scenario, FAKE_USAGE.output, request);
  context.json(200, {
    id: `msg_fake${context.record.seq}`,
    type: "message",
    role: "assistant",
    model: request.model,
    content,
    stop_reason: toolCall ? "tool_use" : "end_turn",
    stop_sequence: null,
    ...(usage ? { usage } : {}),
  });
}

type Send = (type: string, payload: Record<string, unknown>) => void;

/** The streamed thinking block at `index`: start, thinking deltas, the signature, stop. */
function streamThinking(send: Send, index: number, thinking: string): void {
  send("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
  for (const text of thinking === "" ? [] : FAKE_REASONING_DELTAS) send("content_block_delta", { index, delta: { type: "thinking_delta", thinking: text } });
  send("content_block_delta", { index, delta: { type: "signature_delta", signature: THINKING_SIGNATURE } });
  send("content_block_stop", { index });
}

async function streamMessage(context: FakeContext, request: AnthropicRequest, scenario: Scenario): Promise<void> {
  const send: Send = (type, payload) => context.sse(JSON.stringify({ type, ...payload }), type);
  const startUsage = usageFor(scenario, 1, request);
  const message = { id: `msg_fake${context.record.seq}`, type: "message", role: "assistant", model: request.model, content: [], stop_reason: null, stop_sequence: null };
  context.startSse();
  send("message_start", { message: { ...message, ...(startUsage ? { usage: startUsage } : {}) } });
  const thinking = thinkingOf(request);
  if (thinking !== undefined) streamThinking(send, 0, thinking);
  const index = thinking === undefined ? 0 : 1;
  const toolCall = scenario.name === "tool" ? fakeToolCall(request) : undefined;
  if (toolCall) {
    send("content_block_start", { index, content_block: { type: "tool_use", id: toolCall.id, name: toolCall.name, input: {} } });
    const json = JSON.stringify(toolCall.input);
    const third = Math.ceil(json.length / 3);
    for (const part of ["", json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)]) {
      send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part } });
    }
  } else {
    send("content_block_start", { index, content_block: { type: "text", text: "" } });
    send("ping", {});
    const isComplete = await streamDeltas(context, scenario, (text) => send("content_block_delta", { index, delta: { type: "text_delta", text } }));
    if (!isComplete) return;
  }
  send("content_block_stop", { index });
  const endUsage = usageFor(scenario, FAKE_USAGE.output, request);
  send("message_delta", { delta: { stop_reason: toolCall ? "tool_use" : "end_turn", stop_sequence: null }, ...(endUsage ? { usage: { output_tokens: endUsage.output_tokens } } : {}) });
  send("message_stop", {});
  context.end();
}

/** Non-stream answers for the stream-shaped scenarios: cut drops the socket, stall and slow hold the answer. */
async function holdNonStream(context: FakeContext, scenario: Scenario): Promise<boolean> {
  if (scenario.name === "cut") {
    context.cut();
    return false;
  }
  if (scenario.name === "stall") {
    await new Promise<void>((resolve) => context.response.once("close", () => resolve()));
    return false;
  }
  if (scenario.name === "slow") return context.sleep(10_000);
  return true;
}

async function handle(context: FakeContext): Promise<void> {
  const { request, url, body, record } = context;
  if (request.method !== "POST" || url.pathname !== "/v1/messages") return reject(context, 404);
  const apiKey = request.headers["x-api-key"];
  if (typeof apiKey !== "string" || apiKey === "") return reject(context, 401, "x-api-key header is required");
  if (!apiKey.startsWith("sk-ant-")) return reject(context, 401, "invalid x-api-key");
  const version = request.headers["anthropic-version"];
  if (typeof version !== "string") return reject(context, 400, "anthropic-version: header is required");
  if (!KNOWN_VERSIONS.has(version)) return reject(context, 400, `anthropic-version: invalid version: ${version}`);
  const betas = request.headers["anthropic-beta"];
  const betaProblem = typeof betas === "string" ? unsupportedBetaMessage(splitBetaHeader(betas)) : undefined;
  if (betaProblem) return reject(context, 400, betaProblem);
  if (!String(request.headers["content-type"] ?? "").startsWith("application/json")) return reject(context, 400, "content-type: must be application/json");
  if (body === undefined || (typeof body === "object" && body !== null && "__invalid_json" in body)) return reject(context, 400, "There was an error parsing the body.");

  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) return reject(context, 400, describeIssue(parsed.error.issues[0]));
  const semanticError = checkSemantics(parsed.data);
  if (semanticError) return reject(context, 400, semanticError);

  const scenario = record.scenario;
  if (scenario.name === "error") return reject(context, scenario.status);
  if (parsed.data.stream) return streamMessage(context, parsed.data, scenario);
  if (await holdNonStream(context, scenario)) answerMessage(context, parsed.data, scenario);
}

export function startFakeAnthropic(port?: number): Promise<FakeUpstream> {
  return startFake("anthropic", handle, port);
}
