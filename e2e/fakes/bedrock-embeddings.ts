/**
 * The fake Bedrock runtime's InvokeModel route for embeddings models (POST /model/{modelId}/invoke), served by
 * bedrock-fake.ts after it has verified the SigV4 signature.
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html (errors: 400 ValidationException)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html (Titan Text Embeddings V2:
 *     inputText required; dimensions 1024 (default) | 512 | 256; normalize boolean; embeddingTypes ⊆ ["float","binary"];
 *     answer {embedding, inputTextTokenCount, embeddingsByType})
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html (Cohere Embed v3: texts 0..96 of
 *     0..2048 characters; input_type required, search_document | search_query | classification | clustering | image;
 *     truncate NONE | START | END; embedding_types ⊆ float | int8 | uint8 | binary | ubinary;
 *     answer {embeddings, id, response_type: "embeddings_floats", texts})
 * Vectors come from fakeEmbedding() (8 dimensions unless Titan's `dimensions` asks otherwise). Every answer carries the
 * `x-amzn-bedrock-input-token-count` header (FAKE_BEDROCK_EMBEDDING_TOKENS per text) unless a text holds
 * [[fake:nousage]]; Titan also reports the count in its body, as documented.
 */
import { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from "./fake-embeddings";

export const FAKE_BEDROCK_EMBEDDING_MODELS = ["amazon.titan-embed-text-v2:0", "cohere.embed-english-v3", "cohere.embed-multilingual-v3"];
export const FAKE_BEDROCK_EMBEDDING_TOKENS = 5;

const TITAN_FIELDS = ["inputText", "dimensions", "normalize", "embeddingTypes"];
const COHERE_FIELDS = ["texts", "images", "input_type", "truncate", "embedding_types"];
const COHERE_INPUT_TYPES = ["search_document", "search_query", "classification", "clustering", "image"];
const COHERE_EMBEDDING_TYPES = ["float", "int8", "uint8", "binary", "ubinary"];

type Json = Record<string, unknown>;
export type InvokeAnswer = { ok: true; body: Json; headers: Record<string, string> } | { ok: false; message: string };

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const invalid = (message: string): InvokeAnswer => ({ ok: false, message });

function extraneous(body: Json, allowed: string[]): string | undefined {
  const key = Object.keys(body).find((name) => !allowed.includes(name));
  return key === undefined ? undefined : `Malformed input request: extraneous key [${key}] is not permitted, please reformat your input and try again.`;
}

function usageHeaders(texts: string[]): Record<string, string> {
  if (texts.some((text) => text.includes("[[fake:nousage]]"))) return { "x-amzn-requestid": "fake-request-id" };
  return { "x-amzn-requestid": "fake-request-id", "x-amzn-bedrock-input-token-count": String(FAKE_BEDROCK_EMBEDDING_TOKENS * texts.length) };
}

/** Validates an InvokeModel body for an embeddings model and answers it, or says why Bedrock would refuse it. */
export function invokeEmbeddings(modelId: string, body: unknown): InvokeAnswer {
  if (!isObject(body)) return invalid("Malformed input request, please reformat your input and try again.");
  return modelId.startsWith("amazon.titan-embed") ? invokeTitan(body) : invokeCohere(body);
}

function invokeTitan(body: Json): InvokeAnswer {
  const problem = extraneous(body, TITAN_FIELDS);
  if (problem) return invalid(problem);
  if (typeof body.inputText !== "string" || body.inputText.length === 0) return invalid("Malformed input request: #: required key [inputText] not found or empty, please reformat your input and try again.");
  if (body.dimensions !== undefined && ![256, 512, 1024].includes(body.dimensions as number)) return invalid("Malformed input request: #/dimensions: must be one of 256, 512, 1024.");
  if (body.normalize !== undefined && typeof body.normalize !== "boolean") return invalid("Malformed input request: #/normalize: expected type: Boolean.");
  const types = body.embeddingTypes;
  if (types !== undefined && (!Array.isArray(types) || types.length === 0 || types.some((type) => type !== "float" && type !== "binary"))) {
    return invalid("Malformed input request: #/embeddingTypes: must be a non-empty list of float and binary.");
  }
  const embedding = fakeEmbedding(body.inputText, (body.dimensions as number | undefined) ?? FAKE_EMBEDDING_DIMENSIONS);
  const headers = usageHeaders([body.inputText]);
  return { ok: true, body: { embedding, inputTextTokenCount: FAKE_BEDROCK_EMBEDDING_TOKENS, embeddingsByType: { float: embedding } }, headers };
}

function invokeCohere(body: Json): InvokeAnswer {
  const problem = extraneous(body, COHERE_FIELDS);
  if (problem) return invalid(problem);
  if (!COHERE_INPUT_TYPES.includes(String(body.input_type))) return invalid("Malformed input request: #: required key [input_type] not found, please reformat your input and try again.");
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.some((text) => typeof text !== "string")) return invalid("Malformed input request: #/texts: expected type: JSONArray of strings.");
  if (texts.length > 96) return invalid(`Malformed input request: #/texts: expected maximum item count: 96, found: ${texts.length}, please reformat your input and try again.`);
  if (texts.some((text: string) => text.length > 2048)) return invalid("Malformed input request: #/texts: expected maxLength: 2048, please reformat your input and try again.");
  if (body.truncate !== undefined && !["NONE", "START", "END"].includes(String(body.truncate))) return invalid("Malformed input request: #/truncate: NONE, START or END.");
  const types = body.embedding_types;
  if (types !== undefined && (!Array.isArray(types) || types.some((type) => !COHERE_EMBEDDING_TYPES.includes(String(type))))) return invalid("Malformed input request: #/embedding_types: unknown type.");
  const embeddings = (texts as string[]).map((text) => fakeEmbedding(text));
  return { ok: true, body: { embeddings, id: "fake-embed-id", response_type: "embeddings_floats", texts }, headers: usageHeaders(texts as string[]) };
}
