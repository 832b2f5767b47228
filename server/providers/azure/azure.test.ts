import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import { toOpenAIError } from "@/server/gateway/errors";
import type { SseEvent, StreamEvent, Target } from "@/server/gateway/types";
import { adapters } from "../index";
import { buildProbeRequest, defaultBaseUrls } from "../probe";
import { collect } from "../test-utils";
import { azure, DEFAULT_AZURE_API_VERSION, withApiVersion } from "./index";

const ENTRA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.c2lnbmF0dXJl";

function target(overrides: Partial<Target> = {}): Target {
  return { provider: "azure", connectionId: "conn_1", baseUrl: "https://contoso.openai.azure.com?api-version=2024-10-21", apiKey: "0123456789abcdef0123456789abcdef", upstreamModel: "chat-prod", modelName: "gpt-4o-mini", ...overrides };
}

function build(fields: Record<string, unknown> = {}, overrides: Partial<Target> = {}) {
  const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], ...fields });
  const upstream = azure.buildRequest(request, target(overrides));
  return { ...upstream, json: JSON.parse(upstream.body) as Record<string, unknown> };
}

function streamOf(chunks: unknown[], isDone = true): ReadableStream<SseEvent> {
  const events: SseEvent[] = chunks.map((chunk) => ({ data: JSON.stringify(chunk) }));
  if (isDone) events.push({ data: "[DONE]" });
  return new ReadableStream<SseEvent>({
    start(controller) {
      for (const event of events) controller.enqueue(event);
      controller.close();
    },
  });
}

const SAFE = { filtered: false, severity: "safe" };
const promptFilterChunk = { choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: SAFE, violence: SAFE } }] };
const deltaChunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, delta, finish_reason: finishReason, content_filter_results: finishReason ? {} : { hate: SAFE } }],
});

describe("azure: request", () => {
  test.each([
    ["api-version from the base URL", "https://contoso.openai.azure.com?api-version=2024-10-21", "https://contoso.openai.azure.com/openai/deployments/chat-prod/chat/completions?api-version=2024-10-21"],
    ["default api-version", "https://contoso.openai.azure.com", `https://contoso.openai.azure.com/openai/deployments/chat-prod/chat/completions?api-version=${DEFAULT_AZURE_API_VERSION}`],
    ["trailing slash and a preview version", "https://contoso.openai.azure.com/?api-version=2025-04-01-preview", "https://contoso.openai.azure.com/openai/deployments/chat-prod/chat/completions?api-version=2025-04-01-preview"],
    ["v1 API", "https://contoso.openai.azure.com?api-version=v1", "https://contoso.openai.azure.com/openai/v1/chat/completions"],
  ])("url: %s", (_name, baseUrl, url) => {
    expect(build({}, { baseUrl }).url).toBe(url);
  });

  test("the deployment name is path-encoded", () => {
    expect(build({}, { upstreamModel: "my deployment/1" }).url).toBe("https://contoso.openai.azure.com/openai/deployments/my%20deployment%2F1/chat/completions?api-version=2024-10-21");
  });

  test.each([
    ["a resource key goes in api-key", "0123456789abcdef0123456789abcdef", { "api-key": "0123456789abcdef0123456789abcdef" }],
    ["an Entra ID JWT goes in Authorization", ENTRA_TOKEN, { authorization: `Bearer ${ENTRA_TOKEN}` }],
    ["a stored 'Bearer …' credential is sent as is", "Bearer opaque-token", { authorization: "Bearer opaque-token" }],
    ["no credential, no auth header", "", {}],
  ])("headers: %s", (_name, apiKey, auth) => {
    expect(build({}, { apiKey }).headers).toEqual({ "content-type": "application/json", ...auth });
  });

  test("deployments path: OpenAI's body without model; developer messages as system", () => {
    const upstream = build({ messages: [{ role: "developer", content: "Be brief." }, { role: "user", content: "Hi" }], temperature: 0.5, max_tokens: 50, stream: true });
    expect(upstream.json).toEqual({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], temperature: 0.5, max_tokens: 50, stream: true, stream_options: { include_usage: true } });
    expect(upstream.warnings).toEqual([]);
  });

  test("v1 API: the deployment name is the body's model", () => {
    expect(build({}, { baseUrl: "https://contoso.openai.azure.com?api-version=v1" }).json).toEqual({ model: "chat-prod", messages: [{ role: "user", content: "Hi" }] });
  });

  test("withApiVersion builds the stored base URL", () => {
    expect(withApiVersion("https://contoso.openai.azure.com/", "2024-10-21")).toBe("https://contoso.openai.azure.com?api-version=2024-10-21");
    expect(withApiVersion("https://contoso.openai.azure.com", undefined)).toBe("https://contoso.openai.azure.com");
  });
});

describe("azure: response", () => {
  test("text with content-filter annotations and usage", () => {
    const result = azure.parseResponse({
      id: "chatcmpl-1",
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: SAFE } }],
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello" }, content_filter_results: { hate: SAFE } }],
      usage: { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28, prompt_tokens_details: { cached_tokens: 8 } },
    });
    expect(result).toEqual({ ok: true, value: { upstreamId: "chatcmpl-1", choices: [{ index: 0, text: "Hello", finishReason: "stop" }], usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 8 } } });
  });

  test("an answer cut by the content filter, without a message", () => {
    const result = azure.parseResponse({ choices: [{ index: 0, finish_reason: "content_filter", content_filter_results: { violence: { filtered: true, severity: "high" } } }], usage: { prompt_tokens: 5, completion_tokens: 2 } });
    expect(result).toEqual({ ok: true, value: { choices: [{ index: 0, text: null, finishReason: "content_filter" }], usage: { inputTokens: 5, outputTokens: 2 } } });
  });

  test("malformed body", () => {
    expect(azure.parseResponse({ choices: [] })).toEqual({ ok: false, error: { kind: "upstream", provider: "azure", status: 502, message: "malformed response" } });
  });
});

describe("azure: stream", () => {
  test("prompt filter chunk, deltas, usage chunk", async () => {
    const usage = { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 };
    const events = await collect(streamOf([promptFilterChunk, deltaChunk({ role: "assistant", content: "" }), deltaChunk({ content: "Hel" }), deltaChunk({ content: "lo" }), deltaChunk({}, "stop"), { id: "chatcmpl-1", choices: [], usage }]).pipeThrough(azure.parseStream()));
    expect(events).toEqual<StreamEvent[]>([
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 7 } },
    ]);
  });

  test("output stopped by the content filter", async () => {
    const events = await collect(streamOf([promptFilterChunk, deltaChunk({ content: "Once" }), deltaChunk({}, "content_filter")]).pipeThrough(azure.parseStream()));
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["content_filter"] });
  });

  test("a stream cut before [DONE] ends with stream_cut", async () => {
    const events = await collect(streamOf([promptFilterChunk, deltaChunk({ content: "Once" })], false).pipeThrough(azure.parseStream()));
    expect(events).toEqual([{ type: "text-delta", text: "Once" }, { type: "error", error: { kind: "stream_cut", provider: "azure" } }]);
  });
});

describe("azure: errors", () => {
  const contentFilterBody = {
    error: {
      message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: { violence: { filtered: true, severity: "medium" } } },
    },
  };
  const cases: { name: string; status: number; body: unknown; headers: Record<string, string>; error: unknown; client: unknown }[] = [
    {
      name: "400 content_filter (prompt)",
      status: 400,
      body: contentFilterBody,
      headers: {},
      error: { kind: "upstream", provider: "azure", status: 400, code: "content_filter", param: "prompt", message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: [url]" },
      client: { status: 400, type: "invalid_request_error", code: "content_filter", param: "prompt" },
    },
    {
      name: "401 with the status as code",
      status: 401,
      body: { error: { code: "401", message: "Access denied due to invalid subscription key or wrong API endpoint." } },
      headers: {},
      error: { kind: "upstream", provider: "azure", status: 401, message: "Access denied due to invalid subscription key or wrong API endpoint." },
      client: { status: 502, type: "upstream_error", code: "upstream_auth_failed", param: null },
    },
    {
      name: "404 DeploymentNotFound",
      status: 404,
      body: { error: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist." } },
      headers: {},
      error: { kind: "upstream", provider: "azure", status: 404, code: "DeploymentNotFound", message: "The API deployment for this resource does not exist." },
      client: { status: 404, type: "invalid_request_error", code: "DeploymentNotFound", param: null },
    },
    {
      name: "429 with retry-after-ms",
      status: 429,
      body: { error: { code: "429", message: "Requests to the ChatCompletions_Create Operation have exceeded token rate limit. Please retry after 1 second." } },
      headers: { "retry-after": "1", "retry-after-ms": "1500" },
      error: { kind: "upstream", provider: "azure", status: 429, retryAfterMs: 1500, message: "Requests to the ChatCompletions_Create Operation have exceeded token rate limit. Please retry after 1 second." },
      client: { status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", param: null },
    },
    {
      name: "500 server_error",
      status: 500,
      body: { error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } },
      headers: {},
      error: { kind: "upstream", provider: "azure", status: 500, type: "server_error", message: "The server had an error while processing your request. Sorry about that!" },
      client: { status: 502, type: "upstream_error", code: "upstream_error", param: null },
    },
  ];

  test.each(cases)("$name", ({ status, body, headers, error, client }) => {
    const parsed = azure.parseError(status, JSON.stringify(body), new Headers(headers));
    expect(parsed).toEqual(error);
    const answer = toOpenAIError(parsed);
    expect({ status: answer.status, type: answer.body.error.type, code: answer.body.error.code, param: answer.body.error.param }).toEqual(client);
  });
});

describe("azure: registration and probe", () => {
  test("registered under its kind, with the form's hint as default base URL", () => {
    expect(adapters.azure).toBe(azure);
    expect(defaultBaseUrls.azure).toBe("https://YOUR-RESOURCE.openai.azure.com");
  });

  test.each([
    ["dated API", "https://contoso.openai.azure.com?api-version=2024-10-21", "https://contoso.openai.azure.com/openai/models?api-version=2024-10-21"],
    ["v1 API", "https://contoso.openai.azure.com/?api-version=v1", "https://contoso.openai.azure.com/openai/v1/models"],
  ])("probe: %s", (_name, baseUrl, url) => {
    expect(buildProbeRequest("azure", baseUrl, "key-1")).toEqual({ method: "GET", url, headers: { accept: "application/json", "api-key": "key-1" }, body: "", warnings: [] });
    expect(buildProbeRequest("azure", baseUrl, ENTRA_TOKEN).headers).toEqual({ accept: "application/json", authorization: `Bearer ${ENTRA_TOKEN}` });
  });
});
