/**
 * A context-window overflow from any provider, answered on /v1/messages: Anthropic's own shape for it, HTTP 400
 * invalid_request_error with a message that says "prompt is too long", as Anthropic words it
 * ({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"}},
 * https://github.com/anthropics/claude-code/issues/12186); Anthropic clients look for that phrase to trim the history.
 */
import { describe, expect, test } from "vitest";
import type { ProviderId } from "@/server/gateway/types";
import { adapters } from "@/server/providers";
import { readFixture } from "@/server/providers/test-utils";
import { toAnthropicError } from "./errors";

const rows: { provider: ProviderId; fixture: string; headers?: Record<string, string>; message: string }[] = [
  { provider: "anthropic", fixture: "anthropic-prompt-too-long.json", message: "anthropic: prompt is too long: 208310 tokens > 200000 maximum" },
  { provider: "openai", fixture: "openai-error-400-context.json", message: "prompt is too long: openai: This model's maximum context length is 128000 tokens. However, your messages resulted in 192041 tokens. Please reduce the length of the messages." },
  { provider: "gemini", fixture: "gemini-error-400-context.json", message: "prompt is too long: gemini: The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)." },
  { provider: "mistral", fixture: "mistral-error-400-context.json", message: "prompt is too long: mistral: Prompt contains 159202 tokens and 0 draft tokens, too large for model with 131072 maximum context length" },
  { provider: "deepseek", fixture: "deepseek-error-400-context.json", message: "prompt is too long: deepseek: This model's maximum context length is 131072 tokens. However, you requested 131134 tokens (122942 in the messages, 8192 in the completion). Please reduce the length of the messages or completion." },
  { provider: "bedrock", fixture: "bedrock-validation-prompt-too-long.json", headers: { "x-amzn-errortype": "ValidationException" }, message: "bedrock: The model returned the following errors: prompt is too long: 227255 tokens > 200000 maximum" },
];

describe("/v1/messages: a context-window overflow in Anthropic's words", () => {
  test.each(rows)("$provider", ({ provider, fixture, headers, message }) => {
    const error = adapters[provider].parseError(400, readFixture(fixture), new Headers(headers));
    expect(toAnthropicError(error)).toEqual({ status: 400, headers: {}, body: { type: "error", error: { type: "invalid_request_error", message } } });
  });

  test("other 400s keep their message", () => {
    const error = adapters.anthropic.parseError(400, readFixture("anthropic-invalid-request.json"), new Headers());
    expect(toAnthropicError(error).body.error.message).toBe('anthropic: messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row');
  });
});
