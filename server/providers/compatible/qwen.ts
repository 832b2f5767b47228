/**
 * Qwen on Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode, `Authorization: Bearer <key>`.
 * Reference: https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope
 * Base URL (Singapore): https://dashscope-intl.aliyuncs.com/compatible-mode/v1
 *   (Beijing: https://dashscope.aliyuncs.com/compatible-mode/v1, US: https://dashscope-us.aliyuncs.com/compatible-mode/v1;
 *   keys are per region).
 * Quirks: n is 1–4 (a larger n is fanned out by the gateway into calls of at most 4); top_logprobs is 0–5. A prompt over the context window is a 400 "<400>
 * InternalError.Algo.InvalidParameter: Range of input length should be [1, N]"
 * (https://github.com/agentscope-ai/QwenPaw/issues/6255), reported as context_length_exceeded.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const qwen: ProviderAdapter = openAICompatible({
  id: "qwen",
  quirks: {
    maxChoices: 4,
    clamp: { top_logprobs: { min: 0, max: 5 } },
    contextOverflowMessages: [/Range of input length should be \[\d+, ?\d+\]/],
  },
});
