import { measurePrompt, type PromptSize } from "../prompt-size";
import type { ChatRequest } from "../types";

/** Tokens an image part is counted as before the provider says (OpenAI's low-detail cost). */
const IMAGE_TOKENS = 85;

/**
 * What a chat request reserves against tpm limits at admission: its text at ~4 characters a token, plus
 * its max_tokens (or max_completion_tokens) when set. Cheap on purpose (no tokenizer on the hot path);
 * the reservation is corrected with the actual tokens when the request settles.
 */
export function estimateChatTokens(request: ChatRequest, size: PromptSize = measurePrompt(request)): number {
  const output = request.max_completion_tokens ?? request.max_tokens ?? 0;
  return Math.ceil(size.characters / 4) + size.images * IMAGE_TOKENS + output;
}

/** Embeddings input: text at ~4 characters a token, token-id arrays at their length. */
export function estimateEmbeddingsTokens(input: unknown): number {
  const items = Array.isArray(input) && input.length > 0 && typeof input[0] !== "number" ? input : [input];
  let tokens = 0;
  for (const item of items) tokens += typeof item === "string" ? Math.ceil(item.length / 4) : Array.isArray(item) ? item.length : 0;
  return tokens;
}
