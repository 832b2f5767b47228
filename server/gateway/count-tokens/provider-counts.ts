/**
 * Providers whose own token counter the gateway calls (exact, and free at both):
 *   anthropic  POST {baseUrl}/messages/count_tokens, the client's body with the upstream model id → {input_tokens}
 *              https://docs.claude.com/en/api/messages-count-tokens
 *   gemini     POST {baseUrl}/models/{model}:countTokens, {generateContentRequest: {model, …the generateContent body}}
 *              → {totalTokens}; https://ai.google.dev/api/tokens#method:-models.counttokens
 * Both reuse the provider adapter's request builder for the URL base and credential headers (and, for Gemini, the
 * translated body), so a count sees exactly the conversation /v1/messages would send. Other providers have no
 * counter the gateway uses: the caller estimates.
 */
import { z } from "zod";
import type { ChatRequest, GatewayError, ProviderAdapter, Result, Target, UpstreamRequest } from "../types";
import { toAnthropicCountBody, type CountTokensRequest } from "./count-request";

export interface ProviderCount {
  upstreamRequest: UpstreamRequest;
  readCount(body: unknown): Result<number>;
}

const anthropicAnswer = z.looseObject({ input_tokens: z.number().int().min(0) });
const geminiAnswer = z.looseObject({ totalTokens: z.number().int().min(0).optional() });

function unreadable(adapter: ProviderAdapter): { ok: false; error: GatewayError } {
  return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: "the provider sent a token count the gateway cannot read" } };
}

/** The provider's own count request, or undefined when the gateway estimates for this provider. */
export function buildProviderCount(adapter: ProviderAdapter, request: CountTokensRequest, chatRequest: ChatRequest, target: Target): ProviderCount | undefined {
  if (adapter.id === "anthropic") {
    const { headers } = adapter.buildRequest({ ...chatRequest, stream: false }, target);
    const body = JSON.stringify(toAnthropicCountBody(request, target.upstreamModel));
    return {
      upstreamRequest: { url: `${target.baseUrl}/messages/count_tokens`, headers, body, warnings: [] },
      readCount(answer) {
        const parsed = anthropicAnswer.safeParse(answer);
        return parsed.success ? { ok: true, value: parsed.data.input_tokens } : unreadable(adapter);
      },
    };
  }
  if (adapter.id === "gemini") {
    const built = adapter.buildRequest({ ...chatRequest, stream: false }, target);
    const url = new URL(built.url);
    const modelName = decodeURIComponent(url.pathname.match(/\/(models\/[^/:]+):generateContent$/)?.[1] ?? "");
    if (modelName === "") return undefined;
    url.pathname = url.pathname.replace(/:generateContent$/, ":countTokens");
    const body = JSON.stringify({ generateContentRequest: { model: modelName, ...JSON.parse(built.body) } });
    return {
      upstreamRequest: { url: url.toString(), headers: built.headers, body, warnings: built.warnings },
      readCount(answer) {
        const parsed = geminiAnswer.safeParse(answer);
        return parsed.success ? { ok: true, value: parsed.data.totalTokens ?? 0 } : unreadable(adapter);
      },
    };
  }
  return undefined;
}
