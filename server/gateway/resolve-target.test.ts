import { describe, expect, test } from "vitest";
import { anthropic } from "@/server/providers/anthropic";
import type { ModelEntry } from "./config/config-source";
import { DEFAULT_PROMPT_CACHE, PROMPT_CACHE_OFF, toTarget } from "./resolve-target";
import type { ChatRequest } from "./types";

/** The org's prompt_cache_default reaches catalog models outside a group; a group's own setting still wins (README "Provider prompt caching"). */
const model = (overrides: Partial<ModelEntry> = {}): ModelEntry => ({
  id: "m",
  orgId: "o",
  name: "claude-sonnet-4-5",
  upstreamModel: "claude-sonnet-4-5-20250929",
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  region: null,
  createdAt: 0,
  connection: { id: "c", orgId: "o", kind: "anthropic", name: "Anthropic", baseUrl: "https://api.anthropic.com/v1", apiKey: "sk-ant-test", trusted: true, region: null },
  prices: [],
  ...overrides,
});
const longSystem = "You are a careful assistant for the ACME support desk. ".repeat(90);
const request = { model: "claude-sonnet-4-5", messages: [{ role: "system", content: longSystem }, { role: "user", content: "Hi" }] } as ChatRequest;
const sentSystem = (target: ReturnType<typeof toTarget>) => JSON.parse(anthropic.buildRequest(request, target).body).system;

describe("prompt caching of catalog models outside a group", () => {
  test("by default: automatic breakpoints", () => {
    expect(toTarget(model()).promptCache).toEqual(DEFAULT_PROMPT_CACHE);
    expect(sentSystem(toTarget(model()))).toEqual([{ type: "text", text: longSystem, cache_control: { type: "ephemeral" } }]);
  });

  test("an org whose default is off: no automatic breakpoint on the same long system prompt", () => {
    const target = toTarget(model({ promptCache: PROMPT_CACHE_OFF }));
    expect(target.promptCache).toEqual({ mode: "off", ttl: "5m", conversation: false });
    expect(sentSystem(target)).toBe(longSystem);
  });

  test("a group's own prompt_cache wins over the org's default", () => {
    const target = toTarget(model({ promptCache: PROMPT_CACHE_OFF }), { mode: "auto", ttl: "1h", conversation: false });
    expect(sentSystem(target)).toEqual([{ type: "text", text: longSystem, cache_control: { type: "ephemeral", ttl: "1h" } }]);
  });
});
