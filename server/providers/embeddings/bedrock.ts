/**
 * Bedrock embeddings: InvokeModel, POST {baseUrl}/model/{modelId}/invoke, SigV4-signed at send time by the Converse
 * adapter's authorize step (credential `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`, region from the base URL).
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 *     (POST /model/{modelId}/invoke; Content-Type and Accept application/json; the body is the model's own format)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html (Titan Text Embeddings V2:
 *     {inputText, dimensions? 1024|512|256, normalize?, embeddingTypes? ["float"|"binary"]} →
 *     {embedding, inputTextTokenCount, embeddingsByType}; one text per call)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html (Cohere Embed v3:
 *     {texts: at most 96, each at most 2048 characters, input_type (required), truncate?, embedding_types?} →
 *     {embeddings, id, response_type: "embeddings_floats", texts}; no token count in the body)
 * Titan takes one text per call, so a request with several inputs is split into one call per input (the gateway
 * sends them with bounded concurrency and sums the tokens); Cohere calls carry up to 96 texts each.
 * Usage: Titan's `inputTextTokenCount`; otherwise the `X-Amzn-Bedrock-Input-Token-Count` response header when
 * present. That header is not in the InvokeModel reference's response syntax, but the runtime sends it on
 * InvokeModel answers and AWS SDK users read it for billing; without either the gateway estimates (flagged).
 * Mapping: `dimensions` → Titan `dimensions` (256, 512 or 1024, else 400); Cohere v3 vectors have a fixed size
 * (400). `encoding_format: "base64"` is encoded by the gateway from the floats. `user` has no counterpart
 * (dropped with a warning). Cohere's required `input_type` is the request's `input_type` extension (search_document,
 * search_query, classification or clustering; validated in embeddings-request.ts), else `search_document`; Titan has
 * no such field (dropped with a warning). Token-id input is refused.
 */
import { z } from "zod";
import { inputTexts, isTokenInput, type EmbeddingsRequest } from "@/server/gateway/embeddings/embeddings-request";
import type { GatewayError, Result, Target, UpstreamRequest, Warning } from "@/server/gateway/types";
import { forEmbeddingsInput } from "../context-window";
import { bedrock, createBedrockAdapter, parseBedrockBaseUrl, warnIfUnsignable } from "../bedrock";
import { tokenInputRefused } from "./openai-format";
import type { EmbeddingsAdapter } from "./types";

type Family = "titan" | "cohere";

const TITAN_DIMENSIONS = [256, 512, 1024];
export const COHERE_MAX_TEXTS = 96;
export const COHERE_INPUT_TYPE = "search_document";
const TOKEN_COUNT_HEADER = "x-amzn-bedrock-input-token-count";

const titanResponseSchema = z.looseObject({ embedding: z.array(z.number()), inputTextTokenCount: z.number().int().min(0).optional() });
const cohereResponseSchema = z.looseObject({
  embeddings: z.union([z.array(z.array(z.number())), z.looseObject({ float: z.array(z.array(z.number())) })]),
});

/** Model ids, bare or as an inference profile (`us.…`) or ARN (`…/amazon.titan-embed-text-v2:0`). */
function familyOf(modelId: string): Family | undefined {
  if (/(?:^|[./])amazon\.titan-embed-text-v2(?::\d+)?$/.test(modelId)) return "titan";
  if (/(?:^|[./])cohere\.embed-(?:english|multilingual)-v3(?::\d+)?$/.test(modelId)) return "cohere";
  return undefined;
}

const invalid = (message: string, param: string, code = "invalid_value"): { ok: false; error: GatewayError } => ({ ok: false, error: { kind: "invalid_request", message, param, code } });

function titanBody(request: EmbeddingsRequest, texts: string[]): Result<Record<string, unknown>> {
  if (texts.length !== 1) return invalid("Amazon Titan embeds one input per call.", "input");
  const body: Record<string, unknown> = { inputText: texts[0] };
  if (request.dimensions != null) {
    if (!TITAN_DIMENSIONS.includes(request.dimensions)) return invalid(`Amazon Titan Text Embeddings V2 supports dimensions ${TITAN_DIMENSIONS.join(", ")}; got ${request.dimensions}.`, "dimensions");
    body.dimensions = request.dimensions;
  }
  return { ok: true, value: body };
}

function cohereBody(request: EmbeddingsRequest, texts: string[]): Result<Record<string, unknown>> {
  if (request.dimensions != null) return invalid("Cohere Embed v3 vectors have a fixed size; remove `dimensions`.", "dimensions", "unsupported_parameter");
  if (texts.length > COHERE_MAX_TEXTS) return invalid(`Cohere Embed on Bedrock takes at most ${COHERE_MAX_TEXTS} inputs per call.`, "input");
  return { ok: true, value: { texts, input_type: request.input_type ?? COHERE_INPUT_TYPE } };
}

/** A Bedrock embeddings adapter with its own signing clock (tests pin the signing time). */
export function createBedrockEmbeddings(options: { now?: () => Date } = {}): EmbeddingsAdapter {
  const signer = options.now ? createBedrockAdapter(options) : bedrock;
  return {
    id: "bedrock",
    splitEmbeddingsRequest(request, target) {
      const family = familyOf(target.upstreamModel);
      if (!family || isTokenInput(request.input)) return [request];
      const texts = inputTexts(request.input);
      const size = family === "titan" ? 1 : COHERE_MAX_TEXTS;
      const parts: EmbeddingsRequest[] = [];
      for (let start = 0; start < texts.length; start += size) parts.push({ ...request, input: texts.slice(start, start + size) });
      return parts;
    },
    buildEmbeddingsRequest(request, target) {
      if (isTokenInput(request.input)) return { ok: false, error: tokenInputRefused("bedrock") };
      const family = familyOf(target.upstreamModel);
      if (!family) {
        const message = `The Bedrock model \`${target.modelName}\` is not an embeddings model the gateway can call (Amazon Titan Text Embeddings V2, Cohere Embed v3).`;
        return invalid(message, "model", "unsupported_endpoint");
      }
      const texts = inputTexts(request.input);
      const body = family === "titan" ? titanBody(request, texts) : cohereBody(request, texts);
      if (!body.ok) return body;
      const warnings: Warning[] = [];
      if (request.user != null) warnings.push({ code: "unsupported_parameter", param: "user", message: "bedrock does not support 'user' for embeddings; it was dropped." });
      if (family === "titan" && request.input_type != null) {
        warnings.push({ code: "unsupported_parameter", param: "input_type", message: "Amazon Titan Text Embeddings has no 'input_type' (a Cohere Embed option); it was dropped." });
      }
      return { ok: true, value: invokeRequest(target, JSON.stringify(body.value), warnings) };
    },
    parseEmbeddingsResponse(body, headers) {
      const headerTokens = Number(headers?.get(TOKEN_COUNT_HEADER) ?? Number.NaN);
      const reported = Number.isInteger(headerTokens) && headerTokens >= 0 ? headerTokens : undefined;
      const titan = titanResponseSchema.safeParse(body);
      if (titan.success) {
        const inputTokens = titan.data.inputTextTokenCount ?? reported;
        return { ok: true, value: { embeddings: [titan.data.embedding], usage: inputTokens === undefined ? undefined : { inputTokens } } };
      }
      const cohere = cohereResponseSchema.safeParse(body);
      if (cohere.success) {
        const embeddings = Array.isArray(cohere.data.embeddings) ? cohere.data.embeddings : cohere.data.embeddings.float;
        return { ok: true, value: { embeddings, usage: reported === undefined ? undefined : { inputTokens: reported } } };
      }
      return { ok: false, error: { kind: "upstream", provider: "bedrock", status: 502, message: "the provider sent an embeddings response the gateway cannot read" } };
    },
    parseError: forEmbeddingsInput(bedrock.parseError),
    authorize: signer.authorize,
  };
}

function invokeRequest(target: Target, body: string, warnings: Warning[]): UpstreamRequest {
  const url = `${parseBedrockBaseUrl(target.baseUrl).origin}/model/${encodeURIComponent(target.upstreamModel)}/invoke`;
  warnIfUnsignable(target.apiKey, warnings);
  return { url, headers: { "content-type": "application/json", accept: "application/json" }, body, warnings };
}

export const bedrockEmbeddings: EmbeddingsAdapter = createBedrockEmbeddings();
