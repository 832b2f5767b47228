/**
 * Mistral AI: Chat Completions at https://api.mistral.ai/v1, `Authorization: Bearer <key>`.
 * Reference: https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
 * Quirks: the seed is `random_seed`; the output limit is `max_tokens` only; roles are system/user/assistant/tool;
 * the request schema has no logprobs, top_logprobs, logit_bias or user fields.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const mistral: ProviderAdapter = openAICompatible({
  id: "mistral",
  quirks: {
    developerRole: "system",
    unsupported: ["logprobs", "top_logprobs", "logit_bias", "user"],
    renamed: { seed: "random_seed", max_completion_tokens: "max_tokens" },
  },
});
