/**
 * Mistral AI: Chat Completions at https://api.mistral.ai/v1, `Authorization: Bearer <key>`.
 * References:
 *   https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post  (request fields)
 *   https://github.com/mistralai/client-python/issues/40  (usage arrives in the last stream chunk by itself)
 *   https://github.com/avante-corp/avante.nvim/issues/2347  (stream_options is a 422 "Extra inputs are not permitted")
 * Quirks: the seed is `random_seed`; the output limit is `max_tokens` only; roles are system/user/assistant/tool;
 * the request schema has no logprobs, top_logprobs, logit_bias or user fields. There is no stream_options: Mistral
 * rejects it and sends usage beside the finish_reason of its last chunk unasked, which the shared stream parser reads.
 * Tool-call ids must be 9 characters of [a-zA-Z0-9] (https://github.com/nearai/ironclaw/issues/1241): ids from other
 * providers are sent as deterministic 9-character ids (openai/tool-call-ids.ts); Mistral's own ids pass both ways as sent.
 * A prompt over the context window is a 400 "Prompt contains N tokens and 0 draft tokens, too large for model with M
 * maximum context length" (https://docs.mistral.ai/resources/known-limitations;
 * https://portkey.ai/error-library/context-length-exceeded-error-13710000), reported as context_length_exceeded.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const mistral: ProviderAdapter = openAICompatible({
  id: "mistral",
  quirks: {
    developerRole: "system",
    unsupported: ["logprobs", "top_logprobs", "logit_bias", "user"],
    renamed: { seed: "random_seed", max_completion_tokens: "max_tokens" },
    streamUsage: false,
    toolCallIdLength: 9,
    contextOverflowMessages: [/too large for model with \d+ maximum context length/],
  },
});
