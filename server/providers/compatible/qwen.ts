/**
 * Qwen on Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode, `Authorization: Bearer <key>`.
 * Reference: https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope
 * Base URL (Singapore): https://dashscope-intl.aliyuncs.com/compatible-mode/v1
 *   (Beijing: https://dashscope.aliyuncs.com/compatible-mode/v1, US: https://dashscope-us.aliyuncs.com/compatible-mode/v1;
 *   keys are per region).
 * Quirks: n is 1–4; top_logprobs is 0–5.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const qwen: ProviderAdapter = openAICompatible({
  id: "qwen",
  quirks: {
    clamp: { n: { min: 1, max: 4 }, top_logprobs: { min: 0, max: 5 } },
  },
});
