/**
 * A fake Anthropic token counter (POST /v1/messages/count_tokens) for gateway tests; configure an `anthropic`
 * connection with baseUrl `${fake.url}/v1` and FAKE_ANTHROPIC_API_KEY.
 * Reference: https://docs.claude.com/en/api/messages-count-tokens
 *   headers x-api-key and anthropic-version required; body {model, messages, system?, tools?, tool_choice?, thinking?,
 *   output_config?, output_format?, mcp_servers?, context_management?, cache_control?} — no max_tokens, no sampling
 *   parameters, no stream (extra fields are refused: "<field>: Extra inputs are not permitted"); answer {input_tokens}.
 *   Errors: https://docs.claude.com/en/api/errors ({"type":"error","error":{"type","message"}}).
 * The count is deterministic so tests can compute it: fakeInputTokens(body). [[fake:error:NNN]] in any text answers
 * NNN with the matching error type.
 */
import { startFake, type FakeContext, type FakeUpstream } from "./common";

export const FAKE_COUNTABLE_MODELS = ["claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"];
const FIELDS = ["model", "messages", "system", "tools", "tool_choice", "thinking", "output_config", "output_format", "mcp_servers", "context_management", "cache_control"];
const ERROR_TYPES: Record<number, string> = { 400: "invalid_request_error", 405: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error" };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** What the fake counts: one token per 4 characters of the system prompt, messages and tools (as JSON), rounded up. */
export function fakeInputTokens(body: { system?: unknown; messages?: unknown; tools?: unknown }): number {
  return Math.ceil(JSON.stringify({ system: body.system ?? null, messages: body.messages ?? null, tools: body.tools ?? null }).length / 4);
}

export function startFakeAnthropicCountTokens(port = 0): Promise<FakeUpstream> {
  return startFake("anthropic-count-tokens", handle, port);
}

function reject(context: FakeContext, status: number, message: string): void {
  context.json(status, { type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } }, { "request-id": "req_fake_count" });
}

function handle(context: FakeContext): void {
  if (context.url.pathname !== "/v1/messages/count_tokens") return reject(context, 404, `Not found: ${context.url.pathname}`);
  if (context.request.method !== "POST") return reject(context, 405, "Method not allowed");
  const apiKey = context.request.headers["x-api-key"];
  if (typeof apiKey !== "string" || apiKey === "") return reject(context, 401, "x-api-key header is required");
  if (!apiKey.startsWith("sk-ant-")) return reject(context, 401, "invalid x-api-key");
  if (typeof context.request.headers["anthropic-version"] !== "string") return reject(context, 400, "anthropic-version: header is required");
  const problem = validate(context.body);
  if (problem) return reject(context, problem.status, problem.message);
  const scenario = context.record.scenario;
  if (scenario.name === "error") return reject(context, scenario.status, `Fake error ${scenario.status}.`);
  context.json(200, { input_tokens: fakeInputTokens(context.body as Json) }, { "request-id": "req_fake_count" });
}

function validate(body: unknown): { status: number; message: string } | undefined {
  if (!isObject(body)) return { status: 400, message: "The request body is not valid JSON." };
  const extra = Object.keys(body).find((field) => !FIELDS.includes(field));
  if (extra) return { status: 400, message: `${extra}: Extra inputs are not permitted` };
  if (typeof body.model !== "string") return { status: 400, message: "model: Field required" };
  if (!FAKE_COUNTABLE_MODELS.includes(body.model)) return { status: 404, message: `model: ${body.model}` };
  if (!Array.isArray(body.messages) || body.messages.length === 0) return { status: 400, message: "messages: Field required" };
  for (const [index, message] of body.messages.entries()) {
    if (!isObject(message) || (message.role !== "user" && message.role !== "assistant")) return { status: 400, message: `messages.${index}.role: Input should be 'user' or 'assistant'` };
    const content = message.content;
    const valid = typeof content === "string" || (Array.isArray(content) && content.every((block) => isObject(block) && typeof block.type === "string"));
    if (!valid) return { status: 400, message: `messages.${index}.content: Input should be a valid list` };
  }
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) return { status: 400, message: "system: Input should be a valid string" };
  if (body.tools !== undefined && (!Array.isArray(body.tools) || body.tools.some((tool) => !isObject(tool) || typeof tool.name !== "string"))) return { status: 400, message: "tools: Input should be a valid list" };
  return undefined;
}
