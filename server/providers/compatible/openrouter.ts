/**
 * OpenRouter: OpenAI-compatible Chat Completions at https://openrouter.ai/api/v1, `Authorization: Bearer <key>`.
 * Reference: https://openrouter.ai/docs/api-reference/overview
 * OpenRouter normalizes requests for the model it routes to and ignores parameters a model does not support;
 * reasoning arrives as `reasoning`, which the shared parser reads. An empty quirks table.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const openrouter: ProviderAdapter = openAICompatible({ id: "openrouter" });
