import { describe, expect, test } from "vitest";
import { adapters } from "@/server/providers";
import { chatRequestSchema } from "../../chat-request";
import type { ProviderAdapter, ProviderId, Target } from "../../types";
import { buildUpstreamCalls, MAX_FANOUT_CALLS, splitChoices } from "./plan-calls";

const target = (provider: ProviderId, upstreamModel = "model-1"): Target => ({ provider, connectionId: "conn_1", baseUrl: "https://upstream.test/v1", apiKey: "key", upstreamModel, modelName: "alias" });

describe("splitChoices", () => {
  test.each([
    ["no n", undefined, 1, [1]],
    ["n within one call", 3, undefined, [3]],
    ["n=3 at one per call", 3, 1, [1, 1, 1]],
    ["n=6 at four per call", 6, 4, [4, 2]],
    ["n=4 at four per call", 4, 4, [4]],
    ["the bound itself", MAX_FANOUT_CALLS, 1, Array.from({ length: MAX_FANOUT_CALLS }, () => 1)],
  ] as const)("%s", (_name, n, maxPerCall, expected) => {
    expect(splitChoices(n, maxPerCall, "anthropic")).toEqual({ ok: true, value: expected });
  });

  test.each([
    [17, 1, "Invalid 'n': integer above maximum value. Expected a value <= 16, but got 17 instead. anthropic returns one choice per call, and the gateway makes at most 16 calls for one request."],
    [65, 4, "Invalid 'n': integer above maximum value. Expected a value <= 64, but got 65 instead. qwen returns at most 4 choices per call, and the gateway makes at most 16 calls for one request."],
  ])("n=%d at %d per call is a 400 naming n", (n, maxPerCall, message) => {
    const provider = maxPerCall === 1 ? "anthropic" : "qwen";
    expect(splitChoices(n, maxPerCall, provider)).toEqual({ ok: false, error: { kind: "invalid_request", param: "n", code: "integer_above_max_value", message } });
  });
});

describe("maxChoicesPerCall: providers that return fewer choices than n fan out", () => {
  test.each([
    ["anthropic", "claude-haiku-4-5", 1],
    ["bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", 1],
    ["vertex", "claude-sonnet-4-5@20250929", 1],
    ["vertex", "gemini-2.5-flash", undefined],
    ["deepseek", "deepseek-chat", 1],
    ["groq", "llama-3.3-70b-versatile", 1],
    ["qwen", "qwen-plus", 4],
    ["openai", "gpt-4o-mini", undefined],
    ["azure", "gpt-4o-mini", undefined],
    ["mistral", "mistral-small-latest", undefined],
    ["gemini", "gemini-2.5-flash", undefined],
  ] as const)("%s %s: %s", (provider, model, expected) => {
    const adapter: ProviderAdapter = adapters[provider];
    expect(adapter.maxChoicesPerCall?.(target(provider, model))).toBe(expected);
  });
});

describe("buildUpstreamCalls", () => {
  const request = chatRequestSchema.parse({ model: "alias", messages: [{ role: "user", content: "Hi" }], n: 3 });

  test("fanned-out Anthropic calls carry no n and no n warning", () => {
    const calls = buildUpstreamCalls(adapters.anthropic, request, target("anthropic", "claude-haiku-4-5"), [1, 1, 1]);
    expect(calls.map((call) => call.choices)).toEqual([1, 1, 1]);
    for (const call of calls) {
      expect(JSON.parse(call.upstreamRequest.body)).not.toHaveProperty("n");
      expect(call.upstreamRequest.warnings).toEqual([]);
    }
  });

  test("Qwen calls ask for their own share of n", () => {
    const calls = buildUpstreamCalls(adapters.qwen, { ...request, n: 6 }, target("qwen", "qwen-plus"), [4, 2]);
    expect(calls.map((call) => JSON.parse(call.upstreamRequest.body).n)).toEqual([4, 2]);
    expect(calls.flatMap((call) => call.upstreamRequest.warnings)).toEqual([]);
  });

  test("a single call is built from the request as sent", () => {
    const [call] = buildUpstreamCalls(adapters.openai, request, target("openai", "gpt-4o-mini"), [3]);
    expect(JSON.parse(call.upstreamRequest.body).n).toBe(3);
  });
});
