import { describe, expect, test } from "vitest";
import type { ChatRequest, PromptCacheSettings, Target } from "@/server/gateway/types";
import { buildRequest as buildVertexRequest } from "../vertex/request";
import { anthropicTestTarget, vertexClaudeTestTarget } from "./anthropic-test-target";
import { MAX_BREAKPOINTS, minimumCacheableTokens } from "./cache-breakpoints";
import { buildRequest } from "./request";

const auto: PromptCacheSettings = { mode: "auto", ttl: "5m", conversation: false };
const target = (promptCache: PromptCacheSettings | undefined, upstreamModel = anthropicTestTarget.upstreamModel): Target => ({ ...anthropicTestTarget, upstreamModel, promptCache });
/** ~1,700 estimated tokens (3 characters a token): above Sonnet's 1024 minimum, below Haiku 4.5's 4096. */
const longText = "You are a careful assistant for the ACME support desk. ".repeat(90);
const longTool = { type: "function" as const, function: { name: "lookup_order", description: longText, parameters: { type: "object", properties: { id: { type: "string" } } } } };
const ephemeral = { type: "ephemeral" };

function body(request: Partial<ChatRequest>, settings: PromptCacheSettings | "none" = auto, model?: string) {
  const built = buildRequest({ model: "claude", messages: [{ role: "user", content: "Hi" }], ...request } as ChatRequest, target(settings === "none" ? undefined : settings, model));
  return { body: JSON.parse(built.body), warnings: built.warnings };
}

const countBreakpoints = (text: string) => text.split('"cache_control"').length - 1;

describe("automatic cache_control breakpoints", () => {
  test("a long system prompt gets one breakpoint; the string becomes a block", () => {
    const { body: sent } = body({ messages: [{ role: "system", content: longText }, { role: "user", content: "Hi" }] });
    expect(sent.system).toEqual([{ type: "text", text: longText, cache_control: ephemeral }]);
    expect(sent.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });

  test("a long tool list gets a breakpoint on its last tool, and the system after it one more", () => {
    const tools = [{ type: "function" as const, function: { name: "ping" } }, longTool];
    const { body: sent } = body({ tools, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] });
    expect(sent.tools[0].cache_control).toBeUndefined();
    expect(sent.tools[1].cache_control).toEqual(ephemeral);
    // tools + a short system prompt still reach the minimum: the system breakpoint caches both.
    expect(sent.system).toEqual([{ type: "text", text: "Be brief.", cache_control: ephemeral }]);
  });

  test("short prefixes get none, and the request is unchanged", () => {
    const { body: sent } = body({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] });
    expect(sent.system).toBe("Be brief.");
    expect(countBreakpoints(JSON.stringify(sent))).toBe(0);
  });

  test.each([
    ["claude-sonnet-4-5-20250929", 1024],
    ["claude-opus-4-1-20250805", 1024],
    ["claude-haiku-4-5-20251001", 4096],
    ["claude-opus-4-5-20251101", 4096],
    ["claude-opus-4-6", 4096],
    ["claude-3-5-haiku-20241022", 2048],
    ["claude-3-haiku-20240307", 2048],
    ["claude-sonnet-4-5@20250929", 1024],
    ["anthropic.claude-haiku-4-5-20251001-v1:0", 4096],
  ])("minimum cacheable prefix of %s is %i tokens", (model, minimum) => {
    expect(minimumCacheableTokens(model)).toBe(minimum);
  });

  test("the minimum is per model: Haiku 4.5 leaves a ~1,700-token system prompt alone", () => {
    const { body: sent } = body({ messages: [{ role: "system", content: longText }, { role: "user", content: "Hi" }] }, auto, "claude-haiku-4-5-20251001");
    expect(sent.system).toBe(longText);
  });

  test("mode off adds nothing; no settings add nothing", () => {
    const request = { tools: [longTool], messages: [{ role: "system" as const, content: longText }, { role: "user" as const, content: "Hi" }] };
    expect(countBreakpoints(JSON.stringify(body(request, { ...auto, mode: "off" }).body))).toBe(0);
    expect(countBreakpoints(JSON.stringify(body(request, "none").body))).toBe(0);
  });

  test("ttl 1h is sent on the automatic breakpoints", () => {
    const { body: sent } = body({ messages: [{ role: "system", content: longText }, { role: "user", content: "Hi" }] }, { ...auto, ttl: "1h" });
    expect(sent.system[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
  });

  test("conversation: the last message's last block gets one too", () => {
    const messages: ChatRequest["messages"] = [{ role: "system", content: longText }, { role: "user", content: "First" }, { role: "assistant", content: "Answer" }, { role: "user", content: "Second" }];
    const { body: sent } = body({ messages }, { ...auto, conversation: true });
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: [{ type: "text", text: "Second", cache_control: ephemeral }] });
    expect(countBreakpoints(JSON.stringify(sent))).toBe(2);
  });
});

describe("breakpoints the caller set", () => {
  test("are kept on text parts and tools, mode off included", () => {
    const { body: sent } = body(
      {
        tools: [{ type: "function", function: { name: "ping" }, cache_control: { type: "ephemeral", ttl: "1h" } }],
        messages: [{ role: "system", content: [{ type: "text", text: "Short.", cache_control: { type: "ephemeral" } }] }, { role: "user", content: [{ type: "text", text: "Doc", cache_control: { type: "ephemeral" } }] }],
      },
      { ...auto, mode: "off" },
    );
    expect(sent.tools[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
    expect(sent.system).toEqual([{ type: "text", text: "Short.", cache_control: ephemeral }]);
    expect(sent.messages[0].content[0].cache_control).toEqual(ephemeral);
  });

  test("count against the limit of 4: with 3 of theirs only one automatic one is added, the first in prefix order", () => {
    const mine = { type: "ephemeral" as const };
    const messages: ChatRequest["messages"] = [
      { role: "system", content: longText },
      { role: "user", content: [{ type: "text", text: "a", cache_control: mine }, { type: "text", text: "b", cache_control: mine }, { type: "text", text: "c", cache_control: mine }] },
    ];
    const { body: sent } = body({ tools: [longTool], messages }, { ...auto, conversation: true });
    expect(sent.tools[0].cache_control).toEqual(ephemeral);
    expect(sent.system[0].cache_control).toBeUndefined();
    expect(countBreakpoints(JSON.stringify(sent))).toBe(MAX_BREAKPOINTS);
  });

  test("a position the caller marked is not marked twice, and their ttl is not changed", () => {
    const { body: sent } = body({ messages: [{ role: "system", content: [{ type: "text", text: longText, cache_control: { type: "ephemeral", ttl: "1h" } }] }, { role: "user", content: "Hi" }] });
    expect(sent.system).toEqual([{ type: "text", text: longText, cache_control: { type: "ephemeral", ttl: "1h" } }]);
  });

  test("a caller's later 1h breakpoint makes the automatic ones before it 1h (Anthropic refuses 1h after 5m)", () => {
    const messages: ChatRequest["messages"] = [{ role: "system", content: longText }, { role: "user", content: [{ type: "text", text: "Doc", cache_control: { type: "ephemeral", ttl: "1h" } }] }];
    const { body: sent } = body({ messages });
    expect(sent.system[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
  });

  test("an automatic 1h breakpoint after a caller's 5m one is sent as 5m", () => {
    const tools = [{ ...longTool, cache_control: { type: "ephemeral" as const } }];
    const { body: sent } = body({ tools, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }, { ...auto, ttl: "1h" });
    expect(sent.tools[0].cache_control).toEqual(ephemeral);
    expect(sent.system[0].cache_control).toEqual(ephemeral);
  });

  test("more than 4 of their own: sent as they are, with a warning (Anthropic answers 400)", () => {
    const mark = (text: string) => ({ type: "text" as const, text, cache_control: { type: "ephemeral" as const } });
    const { body: sent, warnings } = body({ messages: [{ role: "user", content: ["a", "b", "c", "d", "e"].map(mark) }] });
    expect(countBreakpoints(JSON.stringify(sent))).toBe(5);
    expect(warnings).toContainEqual({ code: "other", param: "cache_control", message: "Anthropic accepts at most 4 cache_control breakpoints; 5 were sent." });
  });
});

test("Claude on Vertex shares the translation: the same breakpoints in the rawPredict body", () => {
  const built = buildVertexRequest({ model: "claude", messages: [{ role: "system", content: longText }, { role: "user", content: "Hi" }] } as ChatRequest, { ...vertexClaudeTestTarget, promptCache: auto });
  expect(JSON.parse(built.body).system).toEqual([{ type: "text", text: longText, cache_control: ephemeral }]);
});
