import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { ChatRequest, SseEvent, StreamEvent, Target } from "@/server/gateway/types";
import { buildProbeRequest, defaultBaseUrls } from "../probe";
import { collect } from "../test-utils";
import { parseCredentials } from "./credentials";
import { encodeEvent, encodeEventStreamMessage, encodeException, eventStreamDecoder } from "./event-stream";
import { bedrock, createBedrockAdapter } from "./index";
import { parseBedrockBaseUrl } from "./endpoint";
import { signRequest } from "./signed-request";
import { authorized, referenceSignature } from "./test-utils";

const NOW = new Date("2026-11-27T10:00:00.000Z");
const adapter = createBedrockAdapter({ now: () => NOW });
const MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const target = (overrides: Partial<Target> = {}): Target => ({
  provider: "bedrock",
  connectionId: "c1",
  baseUrl: "https://bedrock-runtime.us-west-2.amazonaws.com",
  apiKey: "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  upstreamModel: MODEL,
  modelName: "claude-haiku-4-5",
  ...overrides,
});
const chat = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Hi" }], ...overrides });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function bytesStream(bytes: Uint8Array, sliceSize = 7): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += sliceSize) controller.enqueue(bytes.slice(offset, offset + sliceSize));
      controller.close();
    },
  });
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
const parse = (events: SseEvent[]) => collect(new ReadableStream<SseEvent>({ start: (controller) => { events.forEach((event) => controller.enqueue(event)); controller.close(); } }).pipeThrough(bedrock.parseStream()));

describe("bedrock: SigV4", () => {
  // AWS SigV4 test suite (aws-sig-v4-test-suite): AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service".
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  test.each([
    { name: "get-vanilla", method: "GET", url: "https://example.amazonaws.com/", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
    { name: "post-vanilla", method: "POST", url: "https://example.amazonaws.com/", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
    { name: "post-vanilla-query", method: "POST", url: "https://example.amazonaws.com/?Param1=value1", signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11" },
    { name: "get-vanilla-query-order-key-case", method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1", signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
  ])("test vector $name", async ({ method, url, signature }) => {
    const request = { method, url, headers: { Host: "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z" }, body: "" };
    const added = await signRequest(request, { credentials, region: "us-east-1", service: "service", now: new Date("2015-08-30T12:36:00Z"), contentSha256: false });
    expect(added.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`);
  });

  test("buildRequest is unsigned; the authorize step signs at its own time, with the model id double-encoded in the canonical URI", async () => {
    const unsigned = adapter.buildRequest(chat(), target());
    expect(unsigned.headers).toEqual({ "content-type": "application/json", accept: "application/json" });
    const built = await authorized(adapter, unsigned, target());
    expect(built.url).toBe("https://bedrock-runtime.us-west-2.amazonaws.com/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse");
    expect(built.headers["x-amz-date"]).toBe("20261127T100000Z");
    expect(built.headers["x-amz-content-sha256"]).toBe(sha256(built.body));
    expect(built.headers["x-amz-security-token"]).toBeUndefined();
    expect(built.headers.host).toBeUndefined();
    const canonicalRequest = [
      "POST",
      "/model/us.anthropic.claude-haiku-4-5-20251001-v1%253A0/converse",
      "",
      "accept:application/json",
      "content-type:application/json",
      "host:bedrock-runtime.us-west-2.amazonaws.com",
      `x-amz-content-sha256:${sha256(built.body)}`,
      "x-amz-date:20261127T100000Z",
      "",
      "accept;content-type;host;x-amz-content-sha256;x-amz-date",
      sha256(built.body),
    ].join("\n");
    const expected = referenceSignature(canonicalRequest, { secretAccessKey: credentials.secretAccessKey, amzDate: "20261127T100000Z", region: "us-west-2", service: "bedrock" });
    expect(built.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-west-2/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=${expected}`,
    );
  });

  test("temporary credentials sign and send x-amz-security-token", async () => {
    const temporary = target({ apiKey: "ASIAEXAMPLE:secret:token/with:colons" });
    const built = await authorized(adapter, adapter.buildRequest(chat({ stream: true }), temporary), temporary);
    expect(built.url.endsWith("/converse-stream")).toBe(true);
    expect(built.headers["x-amz-security-token"]).toBe("token/with:colons");
    expect(built.headers.accept).toBe("application/vnd.amazon.eventstream");
    expect(built.headers.authorization).toContain("SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
  });

  test.each([
    ["AK:SECRET", { accessKeyId: "AK", secretAccessKey: "SECRET" }],
    ["AK:SECRET:TOKEN", { accessKeyId: "AK", secretAccessKey: "SECRET", sessionToken: "TOKEN" }],
    ["no-colon", undefined],
    [":SECRET", undefined],
    ["AK:", undefined],
  ])("parseCredentials(%s)", (input, expected) => {
    expect(parseCredentials(input)).toEqual(expected);
  });

  test("a malformed credential is sent unsigned with a warning", async () => {
    const malformed = target({ apiKey: "just-a-key" });
    const built = await authorized(adapter, adapter.buildRequest(chat(), malformed), malformed);
    expect(built.headers.authorization).toBeUndefined();
    expect(built.warnings).toEqual([{ code: "other", message: "The Bedrock credential is not ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]; the request was sent unsigned." }]);
  });

  test.each([
    ["https://bedrock-runtime.eu-central-1.amazonaws.com", "eu-central-1"],
    ["https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"],
    ["https://vpce-0abc.bedrock-runtime.ap-southeast-2.vpce.amazonaws.com", "ap-southeast-2"],
    ["http://127.0.0.1:9000?region=eu-west-1", "eu-west-1"],
    ["http://127.0.0.1:9000", "us-east-1"],
  ])("region of %s", (baseUrl, region) => {
    expect(parseBedrockBaseUrl(baseUrl).region).toBe(region);
  });

  test("the probe is a signed ListFoundationModels on the control-plane host", async () => {
    expect(defaultBaseUrls.bedrock).toBe("https://bedrock-runtime.us-east-1.amazonaws.com");
    const base = "https://bedrock-runtime.eu-west-3.amazonaws.com/";
    const probe = await authorized(adapter, buildProbeRequest("bedrock", base, "AK:SECRET"), target({ baseUrl: base, apiKey: "AK:SECRET" }));
    expect(probe).toMatchObject({ method: "GET", url: "https://bedrock.eu-west-3.amazonaws.com/foundation-models", body: "" });
    expect(probe.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AK\/20261127\/eu-west-3\/bedrock\/aws4_request, SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });
});

describe("bedrock: request", () => {
  test("system, history with images, tool use and tool results, inference config and tools", () => {
    const built = adapter.buildRequest(
      chat({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
          { role: "user", content: [{ type: "text", text: "Weather here?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: "call_1", content: "18C" },
          { role: "user", content: "Thanks" },
        ],
        max_tokens: 300,
        temperature: 0.5,
        top_p: 0.9,
        stop: "END",
        tools: [{ type: "function", function: { name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
        tool_choice: { type: "function", function: { name: "get_weather" } },
        metadata: { team: "a" },
      }),
      target(),
    );
    expect(built.warnings).toEqual([]);
    expect(JSON.parse(built.body)).toEqual({
      messages: [
        { role: "user", content: [{ text: "Weather here?" }, { image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } }] },
        { role: "assistant", content: [{ toolUse: { toolUseId: "call_1", name: "get_weather", input: { city: "Paris" } } }] },
        { role: "user", content: [{ toolResult: { toolUseId: "call_1", content: [{ text: "18C" }] } }, { text: "Thanks" }] },
      ],
      system: [{ text: "Be brief." }, { text: "Use metric units." }],
      inferenceConfig: { maxTokens: 300, temperature: 0.5, topP: 0.9, stopSequences: ["END"] },
      toolConfig: {
        tools: [{ toolSpec: { name: "get_weather", description: "Weather by city", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } }],
        toolChoice: { tool: { name: "get_weather" } },
      },
      requestMetadata: { team: "a" },
    });
  });

  test.each([
    ["auto", { auto: {} }],
    ["required", { any: {} }],
  ] as const)("tool_choice %s", (choice, expected) => {
    const tools = [{ type: "function" as const, function: { name: "f" } }];
    expect(JSON.parse(adapter.buildRequest(chat({ tools, tool_choice: choice }), target()).body).toolConfig.toolChoice).toEqual(expected);
  });

  test("unsupported parameters become warnings; temperature above 1 is clamped", () => {
    const built = adapter.buildRequest(
      chat({
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }, { type: "text", text: "?" }] }],
        temperature: 1.5,
        seed: 1,
        user: "u1",
        logprobs: true,
        reasoning_effort: "low",
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: "none",
        store: true,
      } as Partial<ChatRequest>),
      target({ upstreamModel: "amazon.nova-lite-v1:0" }),
    );
    expect(built.warnings.map((warning) => `${warning.code}:${warning.param}`)).toEqual([
      "unsupported_parameter:image_url",
      "clamped_parameter:temperature",
      "unsupported_parameter:tool_choice",
      "unsupported_parameter:reasoning_effort",
      "unsupported_parameter:seed",
      "unsupported_parameter:logprobs",
      "unsupported_parameter:user",
      "unsupported_parameter:store",
    ]);
    const body = JSON.parse(built.body);
    expect(body.inferenceConfig).toEqual({ temperature: 1 });
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(body.messages).toEqual([{ role: "user", content: [{ text: "?" }] }]);
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }] });
  });
});

describe("bedrock: response", () => {
  test("text, reasoning and usage with cache reads and writes", () => {
    const result = bedrock.parseResponse({
      output: { message: { role: "assistant", content: [{ reasoningContent: { reasoningText: { text: "Think.", signature: "sig" } } }, { text: "Hello" }] } },
      stopReason: "end_turn",
      usage: { inputTokens: 4, outputTokens: 20, totalTokens: 1540, cacheReadInputTokens: 1500, cacheWriteInputTokens: 16 },
      metrics: { latencyMs: 300 },
    });
    expect(result).toEqual({
      ok: true,
      value: { choices: [{ index: 0, text: "Hello", reasoning: "Think.", finishReason: "stop" }], usage: { inputTokens: 1520, outputTokens: 20, cachedInputTokens: 1500, cacheWriteTokens: 16 } },
    });
  });

  test("a tool call", () => {
    const result = bedrock.parseResponse({
      output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } } }] } },
      stopReason: "tool_use",
      usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 },
    });
    expect(result).toEqual({
      ok: true,
      value: { choices: [{ index: 0, text: null, toolCalls: [{ id: "tooluse_1", name: "get_weather", arguments: '{"city":"Paris"}' }], finishReason: "tool_calls" }], usage: { inputTokens: 30, outputTokens: 12 } },
    });
  });

  test.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["guardrail_intervened", "content_filter"],
    ["content_filtered", "content_filter"],
  ])("stopReason %s → %s", (stopReason, finishReason) => {
    const result = bedrock.parseResponse({ output: { message: { content: [{ text: "x" }] } }, stopReason });
    expect(result.ok && result.value.choices[0].finishReason).toBe(finishReason);
  });

  test("a malformed body is a 502", () => {
    expect(bedrock.parseResponse({ nope: true })).toEqual({ ok: false, error: { kind: "upstream", provider: "bedrock", status: 502, message: "malformed Converse response" } });
  });
});

describe("bedrock: event-stream decoding", () => {
  test("a known frame: empty message (16 bytes, AWS event-stream test data)", () => {
    // awslabs/aws-c-event-stream test: a message with no headers and no payload.
    expect([...encodeEventStreamMessage({}, "")]).toEqual([0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff]);
  });

  test("frames split at odd boundaries decode to events; exceptions become exception events", async () => {
    const bytes = concat(encodeEvent("messageStart", { role: "assistant" }), encodeEvent("contentBlockDelta", { delta: { text: "Hé" }, contentBlockIndex: 0 }), encodeException("throttlingException", "Slow down"));
    const events = await collect(bytesStream(bytes).pipeThrough(eventStreamDecoder()));
    expect(events).toEqual([
      { event: "messageStart", data: '{"role":"assistant"}' },
      { event: "contentBlockDelta", data: '{"delta":{"text":"Hé"},"contentBlockIndex":0}' },
      { event: "exception", data: '{"type":"throttlingException","message":"Slow down"}' },
    ]);
  });

  test.each([
    ["prelude CRC", 9, "event-stream: The prelude checksum specified in the message"],
    ["message CRC", 30, "event-stream: The message checksum"],
  ])("a corrupted %s errors the stream", async (_name, offset, message) => {
    const bytes = encodeEvent("messageStart", { role: "assistant" });
    bytes[offset] ^= 0xff;
    await expect(collect(bytesStream(bytes).pipeThrough(eventStreamDecoder()))).rejects.toThrow(message);
  });

  test("a cut frame is dropped and the stream ends with stream_cut", async () => {
    const whole = concat(encodeEvent("messageStart", { role: "assistant" }), encodeEvent("contentBlockDelta", { delta: { text: "Hi" }, contentBlockIndex: 0 }));
    const cut = concat(whole, encodeEvent("messageStop", { stopReason: "end_turn" }).slice(0, 20));
    const events = await collect(bytesStream(cut).pipeThrough(eventStreamDecoder()).pipeThrough(bedrock.parseStream()));
    expect(events).toEqual([{ type: "text-delta", text: "Hi" }, { type: "error", error: { kind: "stream_cut", provider: "bedrock" } }]);
  });
});

describe("bedrock: stream", () => {
  const event = (name: string, payload: unknown): SseEvent => ({ event: name, data: JSON.stringify(payload) });

  test("text, reasoning, a tool call, then messageStop and metadata with usage", async () => {
    const events = await parse([
      event("messageStart", { role: "assistant" }),
      event("contentBlockDelta", { delta: { reasoningContent: { text: "Hmm." } }, contentBlockIndex: 0 }),
      event("contentBlockDelta", { delta: { reasoningContent: { signature: "sig" } }, contentBlockIndex: 0 }),
      event("contentBlockStop", { contentBlockIndex: 0 }),
      event("contentBlockDelta", { delta: { text: "Let me check." }, contentBlockIndex: 1 }),
      event("contentBlockStart", { start: { toolUse: { toolUseId: "tooluse_1", name: "get_weather" } }, contentBlockIndex: 2 }),
      event("contentBlockDelta", { delta: { toolUse: { input: '{"city":' } }, contentBlockIndex: 2 }),
      event("contentBlockDelta", { delta: { toolUse: { input: '"Paris"}' } }, contentBlockIndex: 2 }),
      event("contentBlockStop", { contentBlockIndex: 2 }),
      event("messageStop", { stopReason: "tool_use" }),
      event("metadata", { usage: { inputTokens: 13, outputTokens: 7, totalTokens: 28, cacheReadInputTokens: 8 }, metrics: { latencyMs: 9 } }),
    ]);
    expect(events).toEqual<StreamEvent[]>([
      { type: "reasoning-delta", text: "Hmm." },
      { type: "text-delta", text: "Let me check." },
      { type: "tool-call-delta", toolIndex: 0, id: "tooluse_1", name: "get_weather", argumentsDelta: "" },
      { type: "tool-call-delta", toolIndex: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", toolIndex: 0, argumentsDelta: '"Paris"}' },
      { type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 8 } },
    ]);
  });

  test("messageStop without metadata is a cut stream", async () => {
    const events = await parse([event("contentBlockDelta", { delta: { text: "Hi" }, contentBlockIndex: 0 }), event("messageStop", { stopReason: "end_turn" })]);
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "bedrock" } });
  });

  test("an in-stream exception is a typed upstream error and nothing follows", async () => {
    const events = await parse([event("contentBlockDelta", { delta: { text: "Hi" }, contentBlockIndex: 0 }), event("exception", { type: "modelStreamErrorException", message: "Model failed" })]);
    expect(events).toEqual([
      { type: "text-delta", text: "Hi" },
      { type: "error", error: { kind: "upstream", provider: "bedrock", status: 424, message: "Model failed", type: "ModelStreamErrorException" } },
    ]);
  });
});

describe("bedrock: errors", () => {
  test.each([
    ["ValidationException", 400, 400],
    ["AccessDeniedException", 403, 403],
    ["ResourceNotFoundException", 404, 404],
    ["ThrottlingException", 429, 429],
    ["ModelNotReadyException", 429, 503],
    ["ServiceUnavailableException", 503, 503],
    ["InternalServerException", 500, 500],
    ["ModelTimeoutException", 408, 504],
  ])("%s (HTTP %i) → %i", (type, httpStatus, status) => {
    const headers = new Headers({ "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
    expect(bedrock.parseError(httpStatus, JSON.stringify({ message: `${type} happened` }), headers)).toEqual({ kind: "upstream", provider: "bedrock", status, message: `${type} happened`, type });
  });

  test("Retry-After is kept; a body without the header still yields its message", () => {
    expect(bedrock.parseError(429, '{"message":"Too many requests"}', new Headers({ "x-amzn-errortype": "ThrottlingException", "retry-after": "2" }))).toEqual({
      kind: "upstream",
      provider: "bedrock",
      status: 429,
      message: "Too many requests",
      type: "ThrottlingException",
      retryAfterMs: 2000,
    });
    expect(bedrock.parseError(502, "<html>bad gateway</html>", new Headers())).toEqual({ kind: "upstream", provider: "bedrock", status: 502, message: "Bedrock answered HTTP 502 without a readable message." });
  });
});
