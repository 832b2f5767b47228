/**
 * Google Gemini adapter (generateContent / streamGenerateContent?alt=sse, API v1beta).
 * References: https://ai.google.dev/api/generate-content, https://ai.google.dev/api/caching,
 * https://ai.google.dev/gemini-api/docs/troubleshooting. Each file cites the pages it follows.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { parseError } from "./errors";
import { buildRequest } from "./request";
import { parseResponse } from "./response";
import { parseStream } from "./stream";

export const gemini: ProviderAdapter = {
  id: "gemini",
  buildRequest,
  parseResponse,
  parseStream,
  parseError,
};
