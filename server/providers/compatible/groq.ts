/**
 * Groq: OpenAI-compatible Chat Completions at https://api.groq.com/openai/v1, `Authorization: Bearer <key>`.
 * Reference: https://console.groq.com/docs/openai  ("Currently Unsupported OpenAI Features")
 * Quirks: logprobs, logit_bias and top_logprobs are rejected with a 400; n must be 1 (a larger n is fanned out by the
 * gateway, one call per choice).
 * (messages[].name is also rejected; the quirks table has no message-field rule yet.)
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const groq: ProviderAdapter = openAICompatible({
  id: "groq",
  quirks: {
    unsupported: ["logprobs", "logit_bias", "top_logprobs"],
    maxChoices: 1,
  },
});
