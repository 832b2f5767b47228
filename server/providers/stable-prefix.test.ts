/**
 * Provider prompt caches match a byte-exact prefix (tools, then the system prompt, then the history). Two requests
 * that share a system prompt and tools must send byte-identical prefixes, whatever else differs (the question,
 * sampling, streaming, the caller's JSON key order in the tool schemas).
 */
import { describe, expect, test } from "vitest";
import type { ChatRequest, Target } from "@/server/gateway/types";
import { anthropic } from "./anthropic";
import { gemini } from "./gemini";
import { openai } from "./openai";
import { DEFAULT_PROMPT_CACHE } from "@/server/gateway/resolve-target";

const system = "You are the ACME support assistant. Answer from the policy below.\n" + "Policy clause. ".repeat(400);
const weather = { type: "object", properties: { city: { type: "string", description: "City name" }, unit: { enum: ["c", "f"], type: "string" } }, required: ["city"] };
/** The same schema as another serializer writes it: keywords in another order, the property names in the same order. */
const weatherReordered = { required: ["city"], properties: { city: { description: "City name", type: "string" }, unit: { type: "string", enum: ["c", "f"] } }, type: "object" };

function request(question: string, parameters: Record<string, unknown>, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "m",
    messages: [{ role: "system", content: system }, { role: "user", content: question }],
    tools: [{ type: "function", function: { name: "get_weather", description: "Weather now", parameters } }],
    ...extra,
  } as ChatRequest;
}

const first = request("What is the refund window?", weather);
const second = request("Can I return a gift?", weatherReordered, { stream: true, temperature: 0.3, max_tokens: 200 });

const target = (provider: Target["provider"], upstreamModel: string): Target => ({
  provider,
  connectionId: "c",
  baseUrl: "https://upstream.example/v1",
  apiKey: "k",
  upstreamModel,
  modelName: "m",
  promptCache: DEFAULT_PROMPT_CACHE,
});

const cases = [
  { name: "OpenAI", adapter: openai, target: target("openai", "gpt-4.1"), prefix: (body: Record<string, unknown>) => ({ tools: body.tools, system: (body.messages as unknown[])[0] }) },
  { name: "Anthropic", adapter: anthropic, target: target("anthropic", "claude-sonnet-4-5"), prefix: (body: Record<string, unknown>) => ({ tools: body.tools, system: body.system }) },
  { name: "Gemini", adapter: gemini, target: target("gemini", "gemini-2.5-flash"), prefix: (body: Record<string, unknown>) => ({ tools: body.tools, system: body.systemInstruction }) },
];

describe.each(cases)("$name: shared system prompt and tools → byte-identical upstream prefix", ({ adapter, target, prefix }) => {
  test("the prefix bytes are equal and the questions differ after it", () => {
    const a = JSON.parse(adapter.buildRequest(first, target).body);
    const b = JSON.parse(adapter.buildRequest(second, target).body);
    const prefixA = JSON.stringify(prefix(a));
    expect(prefixA).toBe(JSON.stringify(prefix(b)));
    expect(prefixA).toContain("Policy clause.");
    expect(prefixA).toContain("get_weather");
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });

  test("property names keep the caller's order (argument generation order)", () => {
    const body = adapter.buildRequest(first, target).body;
    expect(body.indexOf('"city"')).toBeLessThan(body.indexOf('"unit"'));
  });
});

test("Anthropic: the automatic breakpoint sits at the end of the shared prefix in both requests", () => {
  const anthropicTarget = cases[1].target;
  for (const chat of [first, second]) {
    const body = JSON.parse(anthropic.buildRequest(chat, anthropicTarget).body);
    expect(body.system).toEqual([{ type: "text", text: system, cache_control: { type: "ephemeral" } }]);
  }
});
