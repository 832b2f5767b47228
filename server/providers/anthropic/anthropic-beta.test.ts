import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { Target } from "@/server/gateway/types";
import { gemini } from "../gemini";
import { openai } from "../openai";
import { vertex } from "../vertex";
import { anthropicTestTarget, vertexClaudeTestTarget } from "./anthropic-test-target";
import { anthropic } from "./index";

/** The `anthropic_beta` extension: Anthropic's header, Vertex's body field, a warning everywhere else. */
const BETAS = ["interleaved-thinking-2025-05-14", "context-1m-2025-08-07"];

function chatRequest(fields: Record<string, unknown> = {}) {
  return chatRequestSchema.parse({ model: "claude-sonnet", messages: [{ role: "user", content: "Hi" }], ...fields });
}

const otherTargets: [string, { buildRequest: typeof anthropic.buildRequest }, Target][] = [
  ["openai", openai, { ...anthropicTestTarget, provider: "openai", baseUrl: "https://api.openai.com/v1", upstreamModel: "gpt-4o" }],
  ["gemini", gemini, { ...anthropicTestTarget, provider: "gemini", baseUrl: "https://generativelanguage.googleapis.com/v1beta", upstreamModel: "gemini-2.5-flash" }],
  ["vertex gemini", vertex, { ...vertexClaudeTestTarget, upstreamModel: "gemini-2.5-flash" }],
];

describe("anthropic_beta", () => {
  test("anthropic: sent as the comma-separated anthropic-beta header, never in the body, without a warning", () => {
    const upstream = anthropic.buildRequest(chatRequest({ anthropic_beta: BETAS }), anthropicTestTarget);
    expect(upstream.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14,context-1m-2025-08-07");
    expect(JSON.parse(upstream.body)).not.toHaveProperty("anthropic_beta");
    expect(upstream.warnings).toEqual([]);
  });

  test("anthropic: no header when none (or an empty list) was sent", () => {
    expect(anthropic.buildRequest(chatRequest(), anthropicTestTarget).headers).not.toHaveProperty("anthropic-beta");
    expect(anthropic.buildRequest(chatRequest({ anthropic_beta: [] }), anthropicTestTarget).headers).not.toHaveProperty("anthropic-beta");
  });

  test("claude on vertex: the anthropic_beta body array next to anthropic_version, no header", () => {
    const upstream = vertex.buildRequest(chatRequest({ anthropic_beta: BETAS }), vertexClaudeTestTarget);
    const body = JSON.parse(upstream.body) as Record<string, unknown>;
    expect(body).toMatchObject({ anthropic_version: "vertex-2023-10-16", anthropic_beta: BETAS });
    expect(body).not.toHaveProperty("model");
    expect(upstream.headers).toEqual({ "content-type": "application/json" });
    expect(upstream.warnings).toEqual([]);
    expect(JSON.parse(vertex.buildRequest(chatRequest(), vertexClaudeTestTarget).body)).not.toHaveProperty("anthropic_beta");
  });

  test.each(otherTargets)("%s: omitted with one unsupported_parameter warning, only when sent", (_name, adapter, target) => {
    const upstream = adapter.buildRequest(chatRequest({ anthropic_beta: BETAS }), target);
    expect(upstream.body).not.toContain("anthropic_beta");
    expect(upstream.body).not.toContain("interleaved-thinking");
    expect(upstream.headers).not.toHaveProperty("anthropic-beta");
    expect(upstream.warnings.filter((warning) => warning.param === "anthropic_beta")).toEqual([
      { code: "unsupported_parameter", param: "anthropic_beta", message: expect.stringContaining("Claude models only") },
    ]);
    expect(adapter.buildRequest(chatRequest(), target).warnings.some((warning) => warning.param === "anthropic_beta")).toBe(false);
  });

  test("the body field from OpenAI-format clients must hold beta names", () => {
    expect(chatRequestSchema.safeParse({ model: "m", messages: [{ role: "user", content: "Hi" }], anthropic_beta: "context-1m-2025-08-07" }).success).toBe(false);
    expect(chatRequestSchema.safeParse({ model: "m", messages: [{ role: "user", content: "Hi" }], anthropic_beta: ["a b"] }).success).toBe(false);
  });
});
