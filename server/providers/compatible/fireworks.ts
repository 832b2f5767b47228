/**
 * Fireworks AI: OpenAI-compatible Chat Completions at https://api.fireworks.ai/inference/v1, `Authorization: Bearer <key>`.
 * References: https://docs.fireworks.ai/tools-sdks/openai-compatibility
 *             https://docs.fireworks.ai/api-reference/post-chatcompletions
 * Model names are resource names (accounts/fireworks/models/...). Usage arrives in the last stream chunk.
 * No documented request deviations the gateway must rewrite: an empty quirks table.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const fireworks: ProviderAdapter = openAICompatible({ id: "fireworks" });
