/**
 * xAI (Grok): OpenAI-compatible Chat Completions at https://api.x.ai/v1, `Authorization: Bearer <key>`.
 * Reference: https://docs.x.ai/docs/api-reference#chat-completions
 * Reasoning models reject presencePenalty, frequencyPenalty and stop; that is per model, not per provider,
 * so the table stays empty and xAI's 400 reaches the caller.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const xai: ProviderAdapter = openAICompatible({ id: "xai" });
