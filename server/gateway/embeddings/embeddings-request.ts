/**
 * The public body of POST /v1/embeddings, as OpenAI defines it.
 * Reference: https://platform.openai.com/docs/api-reference/embeddings/create
 * `input` is a string, an array of strings, an array of token ids, or an array of token-id arrays
 * (at most 2048 items, no empty strings). Unknown fields are kept so the pipeline can warn about them.
 * Token-id input is held to OpenAI's documented 8192 tokens per input and 300,000 per request (exact: they are counted
 * ids); text is not tokenized here, as the limit is the model's and other providers count differently.
 *
 * Extension: `input_type` (search_document | search_query | classification | clustering), Cohere Embed v3's
 * required purpose field (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html).
 * Bedrock's Cohere models take it (default search_document); any other value is a 400 here. Gemini and Vertex AI map
 * it to their task type (GOOGLE_TASK_TYPES). Providers that have no such field ignore it with a warning
 * (inputTypeWarnings).
 */
import { z } from "zod";
import { MAX_EMBEDDING_INPUT_TOKENS, MAX_EMBEDDING_INPUTS, MAX_EMBEDDING_REQUEST_TOKENS, modelNameSchema, userSchema } from "../request-limits";
import type { ProviderId, Warning } from "../types";

const tokenIds = z.array(z.number().int().min(0)).min(1);
export const EMBEDDING_INPUT_TYPES = ["search_document", "search_query", "classification", "clustering"] as const;
export type EmbeddingInputType = (typeof EMBEDDING_INPUT_TYPES)[number];

/** The item and token limits, once the input's shape is known (OpenAI's wording for each). */
function checkInputSize(ctx: z.core.ParsePayload<EmbeddingsInput>): void {
  const input = ctx.value;
  if (typeof input === "string") return;
  const refuse = (message: string, params: Record<string, unknown>, path: number[] = []) => void ctx.issues.push({ code: "custom", message, params, path, input });
  const tooLong = (param: string) => `Invalid '${param}': maximum input length is ${MAX_EMBEDDING_INPUT_TOKENS} tokens.`;
  if (typeof input[0] === "number") {
    if (input.length > MAX_EMBEDDING_INPUT_TOKENS) refuse(tooLong("input"), { code: "invalid_value" });
    return;
  }
  if (input.length > MAX_EMBEDDING_INPUTS) return void ctx.issues.push({ code: "too_big", origin: "array", maximum: MAX_EMBEDDING_INPUTS, inclusive: true, input });
  if (typeof input[0] === "string") return;
  let total = 0;
  for (const [index, ids] of (input as number[][]).entries()) {
    if (ids.length > MAX_EMBEDDING_INPUT_TOKENS) return refuse(tooLong(`input[${index}]`), { code: "invalid_value" }, [index]);
    total += ids.length;
  }
  if (total > MAX_EMBEDDING_REQUEST_TOKENS) refuse(`Requested ${total} tokens, max ${MAX_EMBEDDING_REQUEST_TOKENS} tokens per request`, { code: "max_tokens_per_request", param: null });
}

type EmbeddingsInput = string | string[] | number[] | number[][];

export const embeddingsRequestSchema = z.looseObject({
  model: modelNameSchema,
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), tokenIds, z.array(tokenIds).min(1)]).check(checkInputSize),
  dimensions: z.number().int().min(1).nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  user: userSchema.nullish(),
  input_type: z.enum(EMBEDDING_INPUT_TYPES, { error: `expected one of ${EMBEDDING_INPUT_TYPES.join(", ")}` }).nullish(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

const KNOWN_FIELDS = new Set(["model", "input", "dimensions", "encoding_format", "user", "input_type"]);
/** Providers whose embeddings adapter reads `input_type` (and warns itself where a model has no use for it). */
const INPUT_TYPE_PROVIDERS = new Set<ProviderId>(["bedrock", "gemini", "vertex"]);

/**
 * input_type → Google's embedding task type (the same names on Gemini's `taskType` and Vertex AI's `task_type`):
 * https://ai.google.dev/api/embeddings#tasktype, https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/task-types
 */
export const GOOGLE_TASK_TYPES = {
  search_document: "RETRIEVAL_DOCUMENT",
  search_query: "RETRIEVAL_QUERY",
  classification: "CLASSIFICATION",
  clustering: "CLUSTERING",
} as const satisfies Record<EmbeddingInputType, string>;

/** Fields the schema does not know (they are not forwarded; each becomes a warning). */
export function unknownEmbeddingsFields(request: EmbeddingsRequest): string[] {
  return Object.keys(request).filter((field) => !KNOWN_FIELDS.has(field));
}

/** `input_type` for a provider that has no such field: not forwarded, one warning. */
export function inputTypeWarnings(request: EmbeddingsRequest, provider: ProviderId): Warning[] {
  if (request.input_type == null || INPUT_TYPE_PROVIDERS.has(provider)) return [];
  return [{ code: "unsupported_parameter", param: "input_type", message: `${provider} has no 'input_type' for embeddings (it is a Cohere Embed option); it was not forwarded.` }];
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
