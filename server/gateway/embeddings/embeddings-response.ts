/**
 * The OpenAI-shaped embeddings answer and its token count.
 * Reference: https://platform.openai.com/docs/api-reference/embeddings/object
 *   {object:"list", data:[{object:"embedding", index, embedding}], model, usage:{prompt_tokens, total_tokens}}
 */
import { encodeFloat32Base64, type EmbeddingsResult } from "@/server/providers/embeddings";
import { estimateTextTokens } from "../estimate-tokens";
import { inputTexts, isTokenInput, type EmbeddingsRequest } from "./embeddings-request";

/** How many vectors the input asks for. */
export function expectedVectorCount(input: EmbeddingsRequest["input"]): number {
  if (typeof input === "string") return 1;
  return isTokenInput(input) && typeof input[0] === "number" ? 1 : input.length;
}

/** Input tokens: the provider's count when it sent one, else the tokenizer's estimate (flagged). */
export async function countInputTokens(result: EmbeddingsResult, input: EmbeddingsRequest["input"]): Promise<{ inputTokens: number; estimated: boolean }> {
  if (result.usage && result.usage.inputTokens > 0) return { inputTokens: result.usage.inputTokens, estimated: false };
  if (isTokenInput(input)) return { inputTokens: input.flat().length, estimated: true };
  let inputTokens = 0;
  for (const text of inputTexts(input)) inputTokens += await estimateTextTokens(text);
  return { inputTokens, estimated: true };
}

export function toOpenAIEmbeddings(result: EmbeddingsResult, meta: { model: string; encodingFormat: "float" | "base64"; inputTokens: number }) {
  return {
    object: "list" as const,
    data: result.embeddings.map((embedding, index) => ({
      object: "embedding" as const,
      index,
      embedding: meta.encodingFormat === "base64" && Array.isArray(embedding) ? encodeFloat32Base64(embedding) : embedding,
    })),
    model: meta.model,
    usage: { prompt_tokens: meta.inputTokens, total_tokens: meta.inputTokens },
  };
}
