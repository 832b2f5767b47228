/**
 * Gemini embeddings: POST {baseUrl}/models/{model}:batchEmbedContents with `x-goog-api-key`.
 * References:
 *   https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 *     body {requests: [EmbedContentRequest]}, each {model: "models/{model}" (must match the path),
 *     content: {parts: [{text}]}, taskType?, title?, outputDimensionality?};
 *     answer {embeddings: [{values: number[]}]} in request order, without usage.
 *   https://ai.google.dev/gemini-api/docs/embeddings (outputDimensionality truncates the vector)
 *   https://ai.google.dev/api/embeddings#tasktype (TaskType: RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY,
 *     CLASSIFICATION, CLUSTERING, QUESTION_ANSWERING, FACT_VERIFICATION, CODE_RETRIEVAL_QUERY)
 * `dimensions` → outputDimensionality; the `input_type` extension → taskType of every request (GOOGLE_TASK_TYPES); `user` has no counterpart (dropped with a warning);
 * `encoding_format: "base64"` is honoured by the gateway, which encodes the floats itself.
 */
import { z } from "zod";
import { GOOGLE_TASK_TYPES, inputTexts, isTokenInput } from "@/server/gateway/embeddings/embeddings-request";
import type { Warning } from "@/server/gateway/types";
import { forEmbeddingsInput } from "../context-window";
import { gemini } from "../gemini";
import { tokenInputRefused } from "./openai-format";
import type { EmbeddingsAdapter } from "./types";

const responseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
});

function modelPath(model: string): string {
  return model.startsWith("models/") ? model : `models/${encodeURIComponent(model)}`;
}

export const geminiEmbeddings: EmbeddingsAdapter = {
  id: "gemini",
  buildEmbeddingsRequest(request, target) {
    if (isTokenInput(request.input)) return { ok: false, error: tokenInputRefused("gemini") };
    const warnings: Warning[] = [];
    if (request.user != null) warnings.push({ code: "unsupported_parameter", param: "user", message: "gemini does not support 'user' for embeddings; it was dropped." });
    const model = modelPath(target.upstreamModel);
    const requests = inputTexts(request.input).map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(request.input_type != null ? { taskType: GOOGLE_TASK_TYPES[request.input_type] } : {}),
      ...(request.dimensions != null ? { outputDimensionality: request.dimensions } : {}),
    }));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (target.apiKey !== "") headers["x-goog-api-key"] = target.apiKey;
    return { ok: true, value: { url: `${target.baseUrl}/${model}:batchEmbedContents`, headers, body: JSON.stringify({ requests }), warnings } };
  },
  parseEmbeddingsResponse(body) {
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success) return { ok: false, error: { kind: "upstream", provider: "gemini", status: 502, message: "the provider sent an embeddings response the gateway cannot read" } };
    return { ok: true, value: { embeddings: parsed.data.embeddings.map((embedding) => embedding.values) } };
  },
  parseError: forEmbeddingsInput(gemini.parseError),
};
