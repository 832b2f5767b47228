import { describe, expect, test } from "vitest";
import type { ChatRequest } from "../types";
import { cacheTarget, canonicalJson, computeCacheKey, type CacheKeyScope } from "./cache-key";
import { readCacheDirective } from "./cache-directive";

const ORG_A = "00000000-0000-4000-8000-00000000000a";
const ORG_B = "00000000-0000-4000-8000-00000000000b";
const scope: CacheKeyScope = { orgId: ORG_A, endpoint: "/v1/chat/completions", target: "model:m1:gpt-4o-mini" };
const base: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "What is the capital of France?" },
  ],
};

describe("canonical normalization", () => {
  test("object key order, null and absent fields do not change the key", () => {
    const reordered = { messages: base.messages, model: base.model, temperature: null, stop: undefined } as unknown as ChatRequest;
    expect(computeCacheKey(scope, reordered)).toBe(computeCacheKey(scope, base));
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: "x" }] })).toBe('{"a":[2,{"c":"x"}],"b":1}');
  });

  test("delivery and caller-identity fields are not part of the key (stream, stream_options, user, metadata)", () => {
    const variant = { ...base, stream: true, stream_options: { include_usage: true }, user: "u-1", metadata: { a: "b" } };
    expect(computeCacheKey(scope, variant)).toBe(computeCacheKey(scope, base));
  });

  test("the key is a SHA-256 hex digest", () => {
    expect(computeCacheKey(scope, base)).toMatch(/^[0-9a-f]{64}$/);
  });
});

// Collision / poisoning: every answer-changing field, one at a time, gives another entry.
const changed: [string, ChatRequest][] = [
  ["a user message", { ...base, messages: [base.messages[0], { role: "user", content: "What is the capital of Spain?" }] }],
  ["the system prompt", { ...base, messages: [{ role: "system", content: "You are verbose." }, base.messages[1]] }],
  ["message order", { ...base, messages: [base.messages[1], base.messages[0]] }],
  ["a message role", { ...base, messages: [{ role: "developer", content: "You are terse." }, base.messages[1]] }],
  ["content as parts", { ...base, messages: [base.messages[0], { role: "user", content: [{ type: "text", text: "What is the capital of France?" }] }] }],
  ["an image part", { ...base, messages: [base.messages[0], { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }] }],
  ["model", { ...base, model: "gpt-4o" }],
  ["temperature", { ...base, temperature: 0.7 }],
  ["temperature 0", { ...base, temperature: 0 }],
  ["top_p", { ...base, top_p: 0.5 }],
  ["stop", { ...base, stop: ["END"] }],
  ["stop as a string", { ...base, stop: "END" }],
  ["max_tokens", { ...base, max_tokens: 16 }],
  ["max_completion_tokens", { ...base, max_completion_tokens: 16 }],
  ["n", { ...base, n: 2 }],
  ["seed", { ...base, seed: 7 }],
  ["presence_penalty", { ...base, presence_penalty: 1 }],
  ["frequency_penalty", { ...base, frequency_penalty: 1 }],
  ["logprobs", { ...base, logprobs: true }],
  ["top_logprobs", { ...base, logprobs: true, top_logprobs: 2 }],
  ["logit_bias", { ...base, logit_bias: { "50256": -100 } }],
  ["tools", { ...base, tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }] }],
  ["tool_choice", { ...base, tool_choice: "required" }],
  ["parallel_tool_calls", { ...base, parallel_tool_calls: false }],
  ["response_format", { ...base, response_format: { type: "json_object" } }],
  ["reasoning_effort", { ...base, reasoning_effort: "high" }],
  ["anthropic_beta", { ...base, anthropic_beta: ["prompt-caching-2024-07-31"] }],
  ["an unknown passed-on field", { ...base, service_tier: "flex" } as ChatRequest],
];

describe("collision test: two requests that differ in an answer-changing field never share an entry", () => {
  const reference = computeCacheKey(scope, base);
  test.each(changed)("%s", (_field, request) => {
    expect(computeCacheKey(scope, request)).not.toBe(reference);
  });

  test("every variant is distinct from every other one", () => {
    const keys = new Set(changed.map(([, request]) => computeCacheKey(scope, request)));
    expect(keys.size).toBe(changed.length);
  });

  test.each<[string, Partial<CacheKeyScope>]>([
    ["another org (same text)", { orgId: ORG_B }],
    ["a key-scoped entry of a key", { keyId: "k-1" }],
    ["another inbound format", { endpoint: "/v1/messages" }],
    ["the Responses API", { endpoint: "/v1/responses" }],
    ["another resolved model", { target: cacheTarget(undefined, { id: "m2", upstreamModel: "gpt-4o-mini" }) }],
    ["another group version", { target: cacheTarget({ id: "g1", version: 2 }, { id: "m1", upstreamModel: "gpt-4o-mini" }) }],
    ["an experiment variant", { variant: "b" }],
  ])("%s", (_what, change) => {
    expect(computeCacheKey({ ...scope, ...change }, base)).not.toBe(reference);
  });

  test("two keys with key-scoped caches never share an entry", () => {
    expect(computeCacheKey({ ...scope, keyId: "k-1" }, base)).not.toBe(computeCacheKey({ ...scope, keyId: "k-2" }, base));
  });

  test("a value cannot be shifted between fields to forge another request's key", () => {
    const one = { ...base, stop: "a", seed: 1 };
    const other = { ...base, stop: "a,seed:1" } as ChatRequest;
    expect(computeCacheKey(scope, one)).not.toBe(computeCacheKey(scope, other));
  });
});

describe("per-request bypass headers", () => {
  const headers = (values: Record<string, string>) => ({ header: (name: string) => values[name] });
  test.each<[string, Record<string, string>, { lookup: boolean; store: boolean }]>([
    ["no header", {}, { lookup: true, store: true }],
    ["Cache-Control: no-cache", { "cache-control": "no-cache" }, { lookup: false, store: true }],
    ["Cache-Control: no-store", { "cache-control": "no-store" }, { lookup: false, store: false }],
    ["Cache-Control: max-age=0, No-Store", { "cache-control": "max-age=0, No-Store" }, { lookup: false, store: false }],
    ["x-modelgate-cache: bypass", { "x-modelgate-cache": "bypass" }, { lookup: false, store: false }],
    ["x-modelgate-cache: refresh", { "x-modelgate-cache": "refresh" }, { lookup: false, store: true }],
  ])("%s", (_name, values, expected) => {
    expect(readCacheDirective(headers(values))).toEqual(expected);
  });
});
