/**
 * Azure OpenAI non-stream response → ChatResult, through the OpenAI parser.
 * Reference: https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference#createchatcompletionresponse
 *            https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter
 * Azure adds `prompt_filter_results` and per-choice `content_filter_results` (ignored: only a filtered answer
 * matters, and it arrives as finish_reason "content_filter"). A choice cut by the content filter may come
 * without a `message`; it is read as an empty assistant message.
 */
import type { ChatResult, Result } from "@/server/gateway/types";
import { parseResponse as parseOpenAIResponse } from "../openai/response";

export function parseResponse(body: unknown): Result<ChatResult> {
  return parseOpenAIResponse("azure", withMessages(body));
}

function withMessages(body: unknown): unknown {
  if (typeof body !== "object" || body === null || !Array.isArray((body as { choices?: unknown }).choices)) return body;
  const choices = (body as { choices: unknown[] }).choices.map((choice) =>
    typeof choice === "object" && choice !== null && !("message" in choice) ? { ...choice, message: { role: "assistant", content: null } } : choice,
  );
  return { ...body, choices };
}
