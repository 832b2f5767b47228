/**
 * DeepSeek: OpenAI-compatible Chat Completions at https://api.deepseek.com, `Authorization: Bearer <key>`.
 * References:
 *   https://api-docs.deepseek.com/api/create-chat-completion   (request fields; roles system/user/assistant/tool; max_tokens)
 *   https://api-docs.deepseek.com/guides/reasoning_model       (reasoning_content in answers; sending it back is a 400)
 * Quirks: no "developer" role (sent as "system"); max_completion_tokens is not a DeepSeek field (sent as max_tokens);
 * reasoning_effort is not a DeepSeek field either (DeepSeek ignores it: deepseek-reasoner always reasons,
 * deepseek-chat never does), so it is omitted with a warning rather than passed on to be silently ignored;
 * reasoning_content of earlier assistant turns is omitted with a warning (the factory default).
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const deepseek: ProviderAdapter = openAICompatible({
  id: "deepseek",
  quirks: {
    developerRole: "system",
    unsupported: ["reasoning_effort"],
    renamed: { max_completion_tokens: "max_tokens" },
    reasoningHistory: false,
  },
});
