/**
 * Vertex AI text embeddings: POST {base}/publishers/google/models/{model}:predict with a Bearer token (added by the
 * Vertex authorize step, as for chat).
 * References:
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 *     body {instances: [{content, task_type?, title?}], parameters: {autoTruncate?, outputDimensionality?}};
 *     answer {predictions: [{embeddings: {values: number[], statistics: {token_count, truncated}}}]} in input order.
 *     gemini-embedding-001 takes one instance per request; text-embedding-005 and text-multilingual-embedding-002
 *     up to 250.
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/Shared.Types/TextEmbeddingPredictionParams
 *     (autoTruncate defaults to true; false makes an over-long input an INVALID_ARGUMENT error)
 * A request with more inputs than the model takes per call is split (splitEmbeddingsRequest): one call per input for
 * gemini-embedding-001, 250 per call otherwise; the gateway joins the vectors in order.
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/task-types (task_type: RETRIEVAL_QUERY,
 *     RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY, CLASSIFICATION, CLUSTERING, QUESTION_ANSWERING, FACT_VERIFICATION,
 *     CODE_RETRIEVAL_QUERY)
 * The `input_type` extension → instances[].task_type (GOOGLE_TASK_TYPES). `dimensions` → parameters.outputDimensionality. autoTruncate is sent as false: like OpenAI, an input over the
 * model's limit is an error rather than silently cut. Usage is the sum of statistics.token_count. `user` has no
 * counterpart (dropped with a warning); base64 output is encoded by the gateway.
 */
import { z } from "zod";
import { GOOGLE_TASK_TYPES, inputTexts, isTokenInput } from "@/server/gateway/embeddings/embeddings-request";
import type { GatewayError, Warning } from "@/server/gateway/types";
import { forEmbeddingsInput } from "../context-window";
import { vertex } from "../vertex";
import { endpointOf } from "../vertex/request";
import { tokenInputRefused } from "./openai-format";
import type { EmbeddingsAdapter } from "./types";

const MAX_INSTANCES = 250;

const responseSchema = z.looseObject({
  predictions: z.array(
    z.looseObject({
      embeddings: z.looseObject({ values: z.array(z.number()), statistics: z.looseObject({ token_count: z.number().optional() }).optional() }),
    }),
  ),
});

function inputsPerCall(model: string): number {
  return model.startsWith("gemini-embedding") ? 1 : MAX_INSTANCES;
}

function tooManyInputs(model: string, limit: number): GatewayError {
  return { kind: "invalid_request", message: `${model} on Vertex AI embeds at most ${limit} input${limit === 1 ? "" : "s"} per request.`, param: "input", code: "too_many_inputs" };
}

export const vertexEmbeddings: EmbeddingsAdapter = {
  id: "vertex",
  buildEmbeddingsRequest(request, target) {
    if (isTokenInput(request.input)) return { ok: false, error: tokenInputRefused("vertex") };
    const texts = inputTexts(request.input);
    const limit = inputsPerCall(target.upstreamModel);
    if (texts.length > limit) return { ok: false, error: tooManyInputs(target.upstreamModel, limit) };
    const warnings: Warning[] = [];
    if (request.user != null) warnings.push({ code: "unsupported_parameter", param: "user", message: "vertex does not support 'user' for embeddings; it was dropped." });
    const parameters: Record<string, unknown> = { autoTruncate: false };
    if (request.dimensions != null) parameters.outputDimensionality = request.dimensions;
    const taskType = request.input_type != null ? { task_type: GOOGLE_TASK_TYPES[request.input_type] } : {};
    const body = { instances: texts.map((content) => ({ content, ...taskType })), parameters };
    const endpoint = endpointOf(target);
    const url = `${endpoint.base}/publishers/google/models/${encodeURIComponent(target.upstreamModel).replace(/%40/g, "@")}:predict`;
    return { ok: true, value: { url, headers: { "content-type": "application/json" }, body: JSON.stringify(body), warnings } };
  },
  splitEmbeddingsRequest(request, target) {
    const texts = inputTexts(request.input);
    const limit = inputsPerCall(target.upstreamModel);
    if (texts.length <= limit) return [request];
    return Array.from({ length: Math.ceil(texts.length / limit) }, (_, part) => ({ ...request, input: texts.slice(part * limit, (part + 1) * limit) }));
  },
  parseEmbeddingsResponse(body) {
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success) return { ok: false, error: { kind: "upstream", provider: "vertex", status: 502, message: "the provider sent an embeddings response the gateway cannot read" } };
    const predictions = parsed.data.predictions;
    const counts = predictions.map((prediction) => prediction.embeddings.statistics?.token_count);
    const usage = counts.every((count) => count !== undefined) ? { inputTokens: counts.reduce((sum, count) => sum + count!, 0) } : undefined;
    return { ok: true, value: { embeddings: predictions.map((prediction) => prediction.embeddings.values), ...(usage ? { usage } : {}) } };
  },
  parseError: forEmbeddingsInput(vertex.parseError),
  authorize: vertex.authorize,
  onUnauthorized: vertex.onUnauthorized,
};
