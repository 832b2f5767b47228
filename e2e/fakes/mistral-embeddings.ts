/**
 * The Mistral fake's POST /v1/embeddings (mistral-fake.ts serves it, with the same key).
 * References:
 *   https://docs.mistral.ai/api/endpoint/embeddings  (body: model, input string | string[], output_dimension,
 *     output_dtype, encoding_format float | base64; answer {id, object:"list", data:[{object:"embedding", embedding,
 *     index}], model, usage:{prompt_tokens, completion_tokens, total_tokens}})
 * Extra fields are pydantic's 422 (mistral-fake.ts). Vectors come from fakeEmbedding(); usage is
 * FAKE_MISTRAL_EMBEDDING_TOKENS per input. `[[fake:error:NNN]]` in any input answers HTTP NNN.
 */
import { randomUUID } from "node:crypto";
import type { FakeContext } from "./common";
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from "./fake-embeddings";
import { extraForbidden, sendMistralError } from "./mistral-errors";

export const FAKE_MISTRAL_EMBEDDING_MODELS = ["mistral-embed", "codestral-embed"];
export const FAKE_MISTRAL_EMBEDDING_TOKENS = 5;
const FIELDS = new Set(["model", "input", "output_dimension", "output_dtype", "encoding_format"]);

type Json = Record<string, unknown>;

export function handleMistralEmbeddings(context: FakeContext): void {
  const body = context.body as Json;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return sendMistralError(context, { status: 400, message: "Invalid JSON body" });
  const extra = Object.keys(body).filter((field) => !FIELDS.has(field));
  if (extra.length > 0) return sendMistralError(context, extraForbidden(extra.map((field) => ({ loc: [field], input: body[field] }))));
  if (typeof body.model !== "string" || !FAKE_MISTRAL_EMBEDDING_MODELS.includes(body.model)) {
    return sendMistralError(context, { status: 400, message: `Invalid model: ${String(body.model ?? "")}`, type: "invalid_model", code: "1500" });
  }
  const texts = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((text) => typeof text === "string")) return sendMistralError(context, { status: 400, message: "Input must be a string or a list of strings" });
  const scenario = context.record.scenario;
  if (scenario.name === "error") return sendMistralError(context, { status: scenario.status, message: `Fake error ${scenario.status}.` });
  const dimensions = typeof body.output_dimension === "number" ? body.output_dimension : FAKE_EMBEDDING_DIMENSIONS;
  const data = (texts as string[]).map((text, index) => ({ object: "embedding", embedding: fakeEmbedding(text, dimensions), index }));
  const tokens = FAKE_MISTRAL_EMBEDDING_TOKENS * texts.length;
  context.json(200, { id: `embd-${randomUUID().replace(/-/g, "")}`, object: "list", data, model: body.model, usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens } });
}
