/**
 * The public body of POST /v1/embeddings, as OpenAI defines it.
 * Reference: https://platform.openai.com/docs/api-reference/embeddings/create
 * `input` is a string, an array of strings, an array of token ids, or an array of token-id arrays
 * (at most 2048 items, no empty strings). Unknown fields are kept so the pipeline can warn about them.
 */
import { z } from "zod";

const MAX_INPUTS = 2048;
const tokenIds = z.array(z.number().int().min(0)).min(1);

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1).max(MAX_INPUTS),
    tokenIds,
    z.array(tokenIds).min(1).max(MAX_INPUTS),
  ]),
  dimensions: z.number().int().min(1).nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  user: z.string().nullish(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

const KNOWN_FIELDS = new Set(["model", "input", "dimensions", "encoding_format", "user"]);

/** Fields the schema does not know (they are not forwarded; each becomes a warning). */
export function unknownEmbeddingsFields(request: EmbeddingsRequest): string[] {
  return Object.keys(request).filter((field) => !KNOWN_FIELDS.has(field));
}

/** Whether the input is token ids (number[] or number[][]) rather than text. */
export function isTokenInput(input: EmbeddingsRequest["input"]): input is number[] | number[][] {
  return Array.isArray(input) && typeof input[0] !== "string";
}

/** The texts of a text input, one per embedding; empty for token input. */
export function inputTexts(input: EmbeddingsRequest["input"]): string[] {
  if (typeof input === "string") return [input];
  return isTokenInput(input) ? [] : (input as string[]);
}
