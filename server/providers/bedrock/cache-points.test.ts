import { describe, expect, test } from "vitest";
import { validateConverse } from "@/e2e/fakes/bedrock-converse-validation";
import type { ChatRequest, PromptCacheSettings } from "@/server/gateway/types";
import { bedrockAdapter, bedrockTarget, chat } from "./test-utils";

const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const AUTO: PromptCacheSettings = { mode: "auto", ttl: "5m", conversation: false };
const longText = (label: string) => `${label}: ${"Orders ship within two days; refunds take a week. ".repeat(80)}`;
const tool = (name: string) => ({ type: "function" as const, function: { name, description: longText(name), parameters: { type: "object", properties: { id: { type: "string" } } } } });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the built JSON
function build(request: ChatRequest, promptCache: PromptCacheSettings | undefined, model = SONNET): { body: Record<string, any>; warnings: string[] } {
  const built = bedrockAdapter.buildRequest(request, { ...bedrockTarget(model), promptCache });
  return { body: JSON.parse(built.body), warnings: built.warnings.map((warning) => `${warning.code}:${warning.param}`) };
}
const points = (blocks: Record<string, unknown>[] | undefined) => (blocks ?? []).filter((block) => "cachePoint" in block).map((block) => block.cachePoint);

describe("bedrock: automatic cachePoint blocks for Claude", () => {
  test("a long system prompt and a long tool list each end with a checkpoint; the body passes Converse validation", () => {
    const request = chat({ messages: [{ role: "system", content: longText("policy") }, { role: "user", content: "Where is my order?" }], tools: [tool("lookup_order"), tool("refund")], tool_choice: "auto" });
    const { body } = build(request, AUTO);
    expect(body.system.at(-1)).toEqual({ cachePoint: { type: "default" } });
    expect(body.toolConfig.tools.at(-1)).toEqual({ cachePoint: { type: "default" } });
    expect(points(body.toolConfig.tools)).toHaveLength(1);
    expect(body.toolConfig.toolChoice).toEqual({ auto: {} });
    expect(points(body.messages.at(-1).content)).toEqual([]);
    expect(validateConverse(body)).toEqual(["lookup_order", "refund"]);
  });

  test("a prefix below the model's minimum gets none (Haiku 4.5 needs 4096 tokens)", () => {
    const request = chat({ messages: [{ role: "system", content: longText("policy") }, { role: "user", content: "hi" }] });
    expect(points(build(request, AUTO).body.system)).toHaveLength(1);
    expect(points(build(request, AUTO, "us.anthropic.claude-haiku-4-5-20251001-v1:0").body.system)).toEqual([]);
    expect(points(build(chat({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }] }), AUTO).body.system)).toEqual([]);
  });

  test("conversation puts one after the last message; the 1-hour ttl where the model has it, else the default with a warning", () => {
    const request = chat({ messages: [{ role: "system", content: longText("policy") }, { role: "user", content: "first" }, { role: "assistant", content: "answer" }, { role: "user", content: "second" }] });
    const long = build(request, { mode: "auto", ttl: "1h", conversation: true });
    expect(points(long.body.system)).toEqual([{ type: "default", ttl: "1h" }]);
    expect(long.body.messages.at(-1).content.at(-1)).toEqual({ cachePoint: { type: "default", ttl: "1h" } });
    expect(long.warnings).toEqual([]);
    expect(validateConverse(long.body)).toEqual([]);
    const older = build(request, { mode: "auto", ttl: "1h", conversation: true }, "anthropic.claude-3-7-sonnet-20250219-v1:0");
    expect(points(older.body.system)).toEqual([{ type: "default" }]);
    expect(older.warnings).toContain("other:prompt_cache.ttl");
  });

  test("mode off, no settings, and models other than Claude get no checkpoints", () => {
    const request = chat({ messages: [{ role: "system", content: longText("policy") }, { role: "user", content: "hi" }] });
    expect(points(build(request, { ...AUTO, mode: "off" }).body.system)).toEqual([]);
    expect(points(build(request, undefined).body.system)).toEqual([]);
    expect(points(build(request, AUTO, "amazon.nova-pro-v1:0").body.system)).toEqual([]);
  });

  test("the fake refuses a malformed checkpoint as Bedrock would", () => {
    expect(() => validateConverse({ messages: [{ role: "user", content: [{ text: "hi" }] }], system: [{ text: "x" }, { cachePoint: { type: "ephemeral" } }] })).toThrow(/cachePoint.type/);
    expect(() => validateConverse({ messages: [{ role: "user", content: [{ text: "hi" }, { cachePoint: { type: "default", ttl: "2h" } }] }] })).toThrow(/ttl/);
  });
});
