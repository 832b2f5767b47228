/**
 * A fake OpenAI-compatible Chat Completions upstream whose behaviour is chosen per upstream model, so one request to
 * a model group can meet a failing deployment and a healthy one (routing tests, README "Model groups and routing").
 * Wire format as documented by OpenAI:
 *   https://platform.openai.com/docs/api-reference/chat/create      (request, response object, finish_reason)
 *   https://platform.openai.com/docs/api-reference/chat-streaming   (chunks, data: [DONE])
 *   https://platform.openai.com/docs/guides/error-codes             (500 server_error, 429 rate_limit_exceeded, context_length_exceeded)
 *   https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers (retry-after, x-ratelimit-reset-requests)
 * Upstream models (the mode can also be set at run time: POST /__fake/mode {"model","mode"}):
 *   fail-*            500 server_error
 *   ratelimit-*       429 rate_limit_exceeded with `retry-after: 1` and `x-ratelimit-reset-requests: 1s`
 *   slow-*            waits 5 s before answering (first-token and total timeouts)
 *   stall-*           sends the response headers at once, then nothing for 1.5 s, then the answer (idle timeouts;
 *                     streams: the silence is before the first chunk, so the attempt can still fall back)
 *   empty-*           a complete answer with empty content (quality signals: an empty completion)
 *   drip-*            streams: each chunk 300 ms after the one before (a stream committed, then still running)
 *   usagefail-*       streams: a usage chunk (choices [], as OpenAI's include_usage chunk), then an error chunk
 *                     ({"error":{…server_error}}) before any content; non-stream: 500 server_error
 *   small-*           400 context_length_exceeded
 *   filter-*          a complete answer with finish_reason content_filter
 *   cut-*             streams: headers, then the socket is destroyed before any event
 *   anything else     "Served by <model>." with usage (prompt 21, completion 7)
 * Driven by the request: `[[wait:MS]]` in a message sets the wait of slow-*, `[[stall:MS]]` the silence of stall-*
 * (each 0 to 60000 ms), so one request can meet a slow deployment and a slightly slow one.
 * Every request is recorded (GET /__fake/requests), as in common.ts.
 */
import { startFake, type FakeContext, type FakeUpstream } from "./common";

export const ROUTING_FAKE_API_KEY = "sk-fake-routing-0123456789";
type Mode = "fail" | "ratelimit" | "slow" | "stall" | "drip" | "empty" | "usagefail" | "small" | "filter" | "cut" | "ok";
const MODES: readonly Mode[] = ["fail", "ratelimit", "slow", "stall", "drip", "empty", "usagefail", "small", "filter", "cut", "ok"];

export function startRoutingFake(port = 0): Promise<FakeUpstream> {
  const modes = new Map<string, Mode>();
  return startFake("routing", (context) => handle(context, modes), port);
}

const modeOf = (model: string, modes: Map<string, Mode>): Mode => modes.get(model) ?? MODES.find((mode) => model.startsWith(`${mode}-`)) ?? "ok";

async function handle(context: FakeContext, modes: Map<string, Mode>): Promise<void> {
  const body = (context.body ?? {}) as { model?: string; stream?: boolean; mode?: string; messages?: unknown };
  const route = `${context.request.method} ${context.url.pathname}`;
  if (route === "POST /__fake/mode") {
    if (typeof body.model === "string" && MODES.includes(body.mode as Mode)) modes.set(body.model, body.mode as Mode);
    return context.json(200, { ok: true });
  }
  if (route !== "POST /v1/chat/completions") return context.json(404, { error: { message: `Invalid URL (${route})`, type: "invalid_request_error", param: null, code: null } });
  if (context.request.headers.authorization !== `Bearer ${ROUTING_FAKE_API_KEY}`) {
    return context.json(401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
  }
  const model = String(body.model ?? "");
  const mode = modeOf(model, modes);
  const directive = (name: string) => {
    const match = new RegExp(`\\[\\[${name}:(\\d{1,5})\\]\\]`).exec(JSON.stringify(body.messages ?? ""));
    return match ? Math.min(60_000, Number(match[1])) : undefined;
  };
  const waitMs = directive("wait");
  const stallMs = directive("stall");
  if (mode === "fail" || (mode === "usagefail" && body.stream !== true)) return context.json(500, { error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } });
  if (mode === "ratelimit") {
    const error = { message: `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1.`, type: "requests", param: null, code: "rate_limit_exceeded" };
    return context.json(429, { error }, { "retry-after": "1", "x-ratelimit-reset-requests": "1s" });
  }
  if (mode === "small") {
    const error = { message: "This model's maximum context length is 16 tokens. However, your messages resulted in 40 tokens. Please reduce the length of the messages.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" };
    return context.json(400, { error });
  }
  if (mode === "slow" && !(await context.sleep(waitMs ?? 5000))) return;
  const text = mode === "empty" ? "" : `Served by ${model}.`;
  const finish = mode === "filter" ? "content_filter" : "stop";
  const base = { id: `chatcmpl-routing${context.record.seq}`, created: 1748265600, model };
  const usage = { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 };
  if (body.stream !== true) {
    const content = mode === "filter" ? null : text;
    const answer = { ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: finish }], usage };
    if (mode !== "stall") return context.json(200, answer);
    context.response.writeHead(200, { "content-type": "application/json" });
    context.response.flushHeaders();
    if (!(await context.sleep(stallMs ?? 1500))) return;
    context.response.end(JSON.stringify(answer));
    return;
  }
  context.startSse();
  if (mode === "cut") return context.cut();
  if (mode === "stall" && !(await context.sleep(stallMs ?? 1500))) return;
  if (mode === "usagefail") {
    context.sse(JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage }));
    context.sse(JSON.stringify({ error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } }));
    return context.end();
  }
  const chunk = async (delta: object, finishReason: string | null) => (mode !== "drip" || (await context.sleep(300))) && context.sse(JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] }));
  if (mode !== "filter") {
    await chunk({ role: "assistant", content: "" }, null);
    for (const piece of text.split(/(?= )/)) await chunk({ content: piece }, null);
  }
  await chunk({}, finish);
  context.sse(JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage }));
  context.sse("[DONE]");
  context.end();
}
