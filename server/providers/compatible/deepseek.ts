/**
 * DeepSeek: OpenAI-compatible Chat Completions at https://api.deepseek.com, `Authorization: Bearer <key>`.
 * References:
 *   https://api-docs.deepseek.com/api/create-chat-completion   (request fields; roles system/user/assistant/tool; max_tokens)
 *   https://api-docs.deepseek.com/guides/reasoning_model       (reasoning_content in answers; sending it back is a 400)
 *   https://api-docs.deepseek.com/guides/json_mode             (JSON Output: response_format json_object only, no json_schema)
 *   https://api-docs.deepseek.com/guides/function_calling      (tools, named tool_choice; function `strict` is Beta: honoured
 *                                                                only with base_url https://api.deepseek.com/beta)
 *   https://api-docs.deepseek.com/quick_start/pricing          (deepseek-reasoner and tools: older models answered a reasoner
 *                                                                request with tools through deepseek-chat; thinking mode
 *                                                                now calls tools itself)
 * Quirks: no "developer" role (sent as "system"); max_completion_tokens is not a DeepSeek field (sent as max_tokens);
 * reasoning_effort is not a DeepSeek field either (DeepSeek ignores it: deepseek-reasoner always reasons,
 * deepseek-chat never does), so it is omitted with a warning rather than passed on to be silently ignored;
 * reasoning_content of earlier assistant turns is omitted with a warning (the factory default). The request reference
 * has no `n` (one choice per call): a larger n is fanned out by the gateway, one call per choice.
 * json_schema has no DeepSeek field, so it is sent as a forced tool (forced-tool-json.ts, a renamed_parameter warning),
 * for both models: the forced call's arguments come back as the text. `strict` is passed only when the connection's
 * base URL is DeepSeek's /beta; elsewhere it is omitted with a warning. json_object is native and passes as sent.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const deepseek: ProviderAdapter = openAICompatible({
  id: "deepseek",
  quirks: {
    developerRole: "system",
    maxChoices: 1,
    unsupported: ["reasoning_effort"],
    renamed: { max_completion_tokens: "max_tokens" },
    reasoningHistory: false,
    jsonSchema: "forced-tool",
    strictFunctionsPath: "/beta",
  },
});
