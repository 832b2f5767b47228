/**
 * Together AI: OpenAI-compatible Chat Completions at https://api.together.xyz/v1, `Authorization: Bearer <key>`.
 * References: https://docs.together.ai/docs/openai-api-compatibility
 *             https://docs.together.ai/reference/chat-completions-1
 * No documented deviations from OpenAI's Chat Completions request: an empty quirks table.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const together: ProviderAdapter = openAICompatible({ id: "together" });
