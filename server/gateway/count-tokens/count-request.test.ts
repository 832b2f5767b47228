import { describe, expect, test } from "vitest";
import { parseBody } from "../parse-body";
import { countTokensRequestSchema, ignoredFieldWarnings, toAnthropicCountBody, toCountChatRequest } from "./count-request";

const parse = (body: unknown) => countTokensRequestSchema.parse(body);

describe("the count_tokens body", () => {
  test("max_tokens is optional, the Messages rules still apply", () => {
    expect(parseBody(countTokensRequestSchema, { model: "m", messages: [{ role: "user", content: "Hi" }] }).ok).toBe(true);
    expect(parseBody(countTokensRequestSchema, { model: "m", messages: [] })).toMatchObject({ ok: false, error: { kind: "invalid_request", param: "messages" } });
    expect(parseBody(countTokensRequestSchema, { model: "m", messages: [{ role: "system", content: "Hi" }] }).ok).toBe(false);
  });

  test("Anthropic gets the counted fields only, with the upstream model id", () => {
    const request = parse({ model: "haiku", max_tokens: 5, stream: true, system: "S", thinking: { type: "enabled", budget_tokens: 2048 }, messages: [{ role: "user", content: "Hi" }] });
    expect(toAnthropicCountBody(request, "claude-haiku-4-5-20251001")).toEqual({
      model: "claude-haiku-4-5-20251001",
      system: "S",
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(ignoredFieldWarnings(request).map((warning) => warning.param)).toEqual(["max_tokens", "stream"]);
  });

  test("the ChatRequest for other providers has no output limit and no stream", () => {
    const { chatRequest } = toCountChatRequest(parse({ model: "mini", max_tokens: 5, stream: true, system: "S", messages: [{ role: "user", content: "Hi" }] }));
    expect(chatRequest).toEqual({ model: "mini", messages: [{ role: "system", content: "S" }, { role: "user", content: "Hi" }] });
  });
});
