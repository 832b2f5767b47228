/**
 * The OpenAI Chat Completions adapter, and the factory nearly-OpenAI providers reuse with a quirks table.
 * References:
 *   https://platform.openai.com/docs/api-reference/chat/create          (request)
 *   https://platform.openai.com/docs/api-reference/chat/object          (response, usage)
 *   https://platform.openai.com/docs/api-reference/chat-streaming       (stream chunks, [DONE])
 *   https://platform.openai.com/docs/guides/error-codes                 (error bodies)
 *   https://github.com/openai/openai-node (src/resources/chat/completions, src/streaming.ts)
 * POST {baseUrl}/chat/completions with `Authorization: Bearer <key>`.
 */
import type { ProviderAdapter, ProviderId } from "@/server/gateway/types";
import { parseError } from "./errors";
import type { OpenAICompatibleQuirks } from "./quirks";
import { buildRequest } from "./request";
import { parseResponse } from "./response";
import { createStreamParser } from "./stream";

export type { OpenAICompatibleQuirks } from "./quirks";

export interface OpenAICompatibleOptions {
  id: ProviderId;
  quirks?: OpenAICompatibleQuirks;
}

export function openAICompatible(options: OpenAICompatibleOptions): ProviderAdapter {
  const provider = options.id;
  const quirks = options.quirks ?? {};
  return {
    id: provider,
    ...(quirks.maxChoices !== undefined ? { maxChoicesPerCall: () => quirks.maxChoices } : {}),
    buildRequest: (request, target) => buildRequest(request, target, quirks),
    parseResponse: (body) => parseResponse(provider, body, quirks),
    parseStream: () => createStreamParser(provider, quirks),
    parseError: (status, body, headers) => parseError(provider, status, body, headers, quirks.contextOverflowMessages),
  };
}

export const openai: ProviderAdapter = openAICompatible({ id: "openai" });
