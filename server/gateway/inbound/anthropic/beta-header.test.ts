import { describe, expect, test } from "vitest";
import { anthropicInbound } from "./index";
import { readAnthropicBeta } from "./beta-header";

const headers = (values: Record<string, string>) => ({ header: (name: string) => values[name] });
const body = { model: "claude", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

describe("anthropic-beta header", () => {
  test.each([
    ["absent", {}, undefined],
    ["empty", { "anthropic-beta": " , " }, undefined],
    ["one name", { "anthropic-beta": "context-1m-2025-08-07" }, ["context-1m-2025-08-07"]],
    ["a list with spaces and a repeat", { "anthropic-beta": "a-2025-01-01, b-2025-01-01,a-2025-01-01" }, ["a-2025-01-01", "b-2025-01-01"]],
  ])("%s", (_name, values, expected) => {
    expect(readAnthropicBeta(headers(values))).toEqual({ ok: true, value: expected });
  });

  test("a name with spaces or quotes is an invalid_request on the header", () => {
    expect(readAnthropicBeta(headers({ "anthropic-beta": "ok-2025-01-01,bad name" }))).toEqual({
      ok: false,
      error: { kind: "invalid_request", message: "anthropic-beta: 'bad name' is not a beta feature name.", param: "anthropic-beta" },
    });
  });

  test("/v1/messages carries the list on the ChatRequest as anthropic_beta, without a warning", () => {
    const parsed = anthropicInbound.parseRequest(body, headers({ "anthropic-beta": "interleaved-thinking-2025-05-14,context-1m-2025-08-07" }));
    expect(parsed).toMatchObject({ ok: true, value: { chatRequest: { anthropic_beta: ["interleaved-thinking-2025-05-14", "context-1m-2025-08-07"] }, warnings: [] } });
    const without = anthropicInbound.parseRequest(body);
    expect(without.ok && without.value.chatRequest).not.toHaveProperty("anthropic_beta");
  });

  test("the body is validated first: a bad body is its own error, whatever the header", () => {
    const parsed = anthropicInbound.parseRequest({ model: "claude" }, headers({ "anthropic-beta": "bad name" }));
    expect(parsed).toMatchObject({ ok: false, error: { kind: "invalid_request" } });
    expect(!parsed.ok && parsed.error.kind === "invalid_request" && parsed.error.message).not.toContain("anthropic-beta");
  });
});
