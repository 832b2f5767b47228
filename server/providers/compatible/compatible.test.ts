import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { ProviderAdapter, ProviderId, Target, Warning } from "@/server/gateway/types";
import { adapters, isProviderKind, providerKinds } from "../index";
import { buildProbeRequest, defaultBaseUrls } from "../probe";
import { deepseek, fireworks, groq, local, mistral, openrouter, qwen, together, xai } from "./index";

function target(provider: ProviderId, apiKey = "sk-test-key"): Target {
  return { provider, connectionId: "conn_1", baseUrl: defaultBaseUrls[provider], apiKey, upstreamModel: "upstream-model", modelName: "alias" };
}

function build(adapter: ProviderAdapter, fields: Record<string, unknown>, apiKey?: string) {
  const request = chatRequestSchema.parse({ model: "alias", messages: [{ role: "user", content: "Hi" }], ...fields });
  const upstream = adapter.buildRequest(request, target(adapter.id, apiKey));
  return { ...upstream, json: JSON.parse(upstream.body) as Record<string, unknown> };
}

interface QuirkCase {
  name: string;
  fields: Record<string, unknown>;
  /** Top-level body fields expected after the quirks (undefined: omitted). */
  body: Record<string, unknown>;
  warnings: Warning[];
}

interface ProviderCase {
  adapter: ProviderAdapter;
  url: string;
  quirks: QuirkCase[];
}

const unsupported = (param: string): Warning => ({ code: "unsupported_parameter", param, message: `${param} is not supported by this provider and was omitted.` });
const renamed = (param: string, to: string): Warning => ({ code: "renamed_parameter", param, message: `${param} was sent as ${to}.` });
const clamped = (param: string, from: number, to: number): Warning => ({ code: "clamped_parameter", param, message: `${param} ${from} was clamped to ${to}.` });
const reasoningDropped: Warning = {
  code: "unsupported_parameter",
  param: "reasoning_content",
  message: "reasoning_content of earlier assistant turns is not accepted by this provider and was omitted.",
};

const developerMessages = { messages: [{ role: "developer", content: "Be brief." }, { role: "user", content: "Hi" }] };

const cases: ProviderCase[] = [
  {
    adapter: deepseek,
    url: "https://api.deepseek.com/chat/completions",
    quirks: [
      { name: "developer role is sent as system", fields: developerMessages, body: { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }, warnings: [] },
      { name: "max_completion_tokens is sent as max_tokens", fields: { max_completion_tokens: 100 }, body: { max_tokens: 100, max_completion_tokens: undefined }, warnings: [renamed("max_completion_tokens", "max_tokens")] },
      {
        name: "reasoning_content of earlier turns is omitted",
        fields: { messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello", reasoning_content: "thinking" }, { role: "user", content: "More" }] },
        body: { messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }, { role: "user", content: "More" }] },
        warnings: [reasoningDropped],
      },
      { name: "reasoning_effort is omitted (DeepSeek has no such field; deepseek-reasoner always reasons)", fields: { reasoning_effort: "low" }, body: { reasoning_effort: undefined }, warnings: [unsupported("reasoning_effort")] },
    ],
  },
  {
    adapter: mistral,
    url: "https://api.mistral.ai/v1/chat/completions",
    quirks: [
      { name: "seed is sent as random_seed", fields: { seed: 42 }, body: { random_seed: 42, seed: undefined }, warnings: [renamed("seed", "random_seed")] },
      { name: "max_completion_tokens is sent as max_tokens", fields: { max_completion_tokens: 100 }, body: { max_tokens: 100, max_completion_tokens: undefined }, warnings: [renamed("max_completion_tokens", "max_tokens")] },
      { name: "developer role is sent as system", fields: developerMessages, body: { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }, warnings: [] },
      { name: "logprobs is omitted", fields: { logprobs: true }, body: { logprobs: undefined }, warnings: [unsupported("logprobs")] },
      { name: "top_logprobs is omitted", fields: { logprobs: true, top_logprobs: 2 }, body: { top_logprobs: undefined }, warnings: [unsupported("logprobs"), unsupported("top_logprobs")] },
      { name: "logit_bias is omitted", fields: { logit_bias: { "50256": -100 } }, body: { logit_bias: undefined }, warnings: [unsupported("logit_bias")] },
      { name: "user is omitted", fields: { user: "u-1" }, body: { user: undefined }, warnings: [unsupported("user")] },
    ],
  },
  {
    adapter: qwen,
    url: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions",
    quirks: [
      { name: "n within range passes (a larger n is fanned out by the gateway)", fields: { n: 4 }, body: { n: 4 }, warnings: [] },
      { name: "top_logprobs above 5 is clamped", fields: { logprobs: true, top_logprobs: 10 }, body: { logprobs: true, top_logprobs: 5 }, warnings: [clamped("top_logprobs", 10, 5)] },
    ],
  },
  {
    adapter: groq,
    url: "https://api.groq.com/openai/v1/chat/completions",
    quirks: [
      { name: "logprobs is omitted", fields: { logprobs: true }, body: { logprobs: undefined }, warnings: [unsupported("logprobs")] },
      { name: "logit_bias is omitted", fields: { logit_bias: { "50256": -100 } }, body: { logit_bias: undefined }, warnings: [unsupported("logit_bias")] },
      { name: "top_logprobs is omitted", fields: { logprobs: true, top_logprobs: 2 }, body: { logprobs: undefined, top_logprobs: undefined }, warnings: [unsupported("logprobs"), unsupported("top_logprobs")] },
    ],
  },
  { adapter: together, url: "https://api.together.xyz/v1/chat/completions", quirks: [] },
  { adapter: fireworks, url: "https://api.fireworks.ai/inference/v1/chat/completions", quirks: [] },
  { adapter: xai, url: "https://api.x.ai/v1/chat/completions", quirks: [] },
  { adapter: openrouter, url: "https://openrouter.ai/api/v1/chat/completions", quirks: [] },
  { adapter: local, url: "http://localhost:11434/v1/chat/completions", quirks: [] },
];

describe.each(cases)("$adapter.id: buildRequest", ({ adapter, url, quirks }) => {
  test("is registered under its id", () => {
    expect(isProviderKind(adapter.id)).toBe(true);
    expect(adapters[adapter.id]).toBe(adapter);
  });

  test("url, bearer auth, model and a plain body without warnings", () => {
    const upstream = build(adapter, { temperature: 0.5, max_tokens: 50, stop: ["END"] });
    expect(upstream.url).toBe(url);
    expect(upstream.headers).toEqual({ "content-type": "application/json", authorization: "Bearer sk-test-key" });
    expect(upstream.json).toEqual({ model: "upstream-model", messages: [{ role: "user", content: "Hi" }], temperature: 0.5, max_tokens: 50, stop: ["END"] });
    expect(upstream.warnings).toEqual([]);
  });

  test("no key: no authorization header", () => {
    expect(build(adapter, {}, "").headers).toEqual({ "content-type": "application/json" });
  });

  test.runIf(quirks.length > 0).each(quirks)("$name", ({ fields, body, warnings }) => {
    const upstream = build(adapter, fields);
    for (const [field, value] of Object.entries(body)) {
      if (value === undefined) expect(upstream.json).not.toHaveProperty(field);
      else expect(upstream.json[field]).toEqual(value);
    }
    expect(upstream.warnings).toEqual(warnings);
  });
});

describe("nearly-OpenAI providers: probe and defaults", () => {
  test.each(cases)("$adapter.id: GET {base}/models", ({ adapter }) => {
    const probe = buildProbeRequest(adapter.id, `${defaultBaseUrls[adapter.id]}/`, "sk-test-key");
    expect(probe).toMatchObject({ method: "GET", url: `${defaultBaseUrls[adapter.id]}/models`, body: "" });
    expect(probe.headers).toEqual({ accept: "application/json", authorization: "Bearer sk-test-key" });
  });

  test("local: no credential, no authorization header", () => {
    expect(buildProbeRequest("local", "http://localhost:11434/v1", "").headers).toEqual({ accept: "application/json" });
  });

  test("every kind has a default base URL", () => {
    for (const kind of providerKinds) expect(defaultBaseUrls[kind]).toMatch(/^https?:\/\//);
  });
});
