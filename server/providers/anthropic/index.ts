/**
 * The Anthropic Messages API adapter (POST {baseUrl}/messages, base https://api.anthropic.com/v1).
 * Reference: https://platform.claude.com/docs/en/api/messages — see each step's file for the pages it follows.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { parseError } from "./errors";
import { buildRequest } from "./request";
import { parseResponse } from "./response";
import { createStreamParser } from "./stream";

export const anthropic: ProviderAdapter = {
  id: "anthropic",
  // A Message holds one answer: `n` is fanned out by the gateway (chat/fan-out/), one call per choice.
  maxChoicesPerCall: () => 1,
  buildRequest,
  parseResponse,
  parseStream: createStreamParser,
  parseError,
};
