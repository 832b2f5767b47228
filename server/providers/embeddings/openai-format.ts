/**
 * Embeddings in the OpenAI wire format: POST {baseUrl}/embeddings with `Authorization: Bearer <key>`
 * (omitted for keyless local servers).
 * References:
 *   https://platform.openai.com/docs/api-reference/embeddings/create   (request: input, model, dimensions, encoding_format, user)
 *   https://platform.openai.com/docs/api-reference/embeddings/object   (response: data[].index, data[].embedding, usage)
 *   https://docs.mistral.ai/api/endpoint/embeddings                    (Mistral: input is text only; `output_dimension`; no `user`)
 *   https://docs.ollama.com/api/openai-compatibility                   (Ollama /v1/embeddings: text input)
 *   https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html (vLLM embeddings API)
 * Token-id input is OpenAI's own (its tokenizers); other servers get a 400 instead of a guess.
 */
import { z } from "zod";
import { isTokenInput } from "@/server/gateway/embeddings/embeddings-request";
import type { GatewayError, ProviderAdapter, ProviderId, Warning } from "@/server/gateway/types";
import { forEmbeddingsInput } from "../context-window";
import type { EmbeddingsAdapter } from "./types";

type OptionalField = "dimensions" | "encoding_format" | "user";

export interface OpenAIEmbeddingsOptions {
  /** The chat adapter whose id and error mapping this one shares. */
  chat: ProviderAdapter;
  acceptsTokenInput?: boolean;
  /** Fields the server names differently. */
  renamed?: Partial<Record<OptionalField, string>>;
  /** Fields the server does not take: dropped with a warning. */
  unsupported?: OptionalField[];
  /** When false, encoding_format is not sent: floats are asked for and the gateway encodes base64 itself. */
  forwardsEncodingFormat?: boolean;
}

const OPTIONAL_FIELDS: OptionalField[] = ["dimensions", "encoding_format", "user"];

const responseSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int().min(0), embedding: z.union([z.array(z.number()), z.string()]) })),
  usage: z.looseObject({ prompt_tokens: z.number().int().min(0) }).nullish(),
});

export function openAIEmbeddings(options: OpenAIEmbeddingsOptions): EmbeddingsAdapter {
  const provider: ProviderId = options.chat.id;
  return {
    id: provider,
    buildEmbeddingsRequest(request, target) {
      if (isTokenInput(request.input) && !options.acceptsTokenInput) return { ok: false, error: tokenInputRefused(provider) };
      const warnings: Warning[] = [];
      const body: Record<string, unknown> = { model: target.upstreamModel, input: request.input };
      for (const field of OPTIONAL_FIELDS) {
        const value = request[field];
        if (value == null || (field === "encoding_format" && options.forwardsEncodingFormat === false)) continue;
        if (options.unsupported?.includes(field)) {
          warnings.push({ code: "unsupported_parameter", param: field, message: `${provider} does not support '${field}' for embeddings; it was dropped.` });
          continue;
        }
        const name = options.renamed?.[field] ?? field;
        if (name !== field) warnings.push({ code: "renamed_parameter", param: field, message: `'${field}' was sent to ${provider} as '${name}'.` });
        body[name] = value;
      }
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (target.apiKey !== "") headers.authorization = `Bearer ${target.apiKey}`;
      return { ok: true, value: { url: `${target.baseUrl}/embeddings`, headers, body: JSON.stringify(body), warnings } };
    },
    parseEmbeddingsResponse(body) {
      const parsed = responseSchema.safeParse(body);
      if (!parsed.success) return { ok: false, error: { kind: "upstream", provider, status: 502, message: "the provider sent an embeddings response the gateway cannot read" } };
      const data = [...parsed.data.data].sort((left, right) => left.index - right.index);
      const usage = parsed.data.usage ? { inputTokens: parsed.data.usage.prompt_tokens } : undefined;
      return { ok: true, value: { embeddings: data.map((item) => item.embedding), usage } };
    },
    parseError: forEmbeddingsInput(options.chat.parseError),
  };
}

/** Token ids only mean something to the tokenizer of the model they came from. */
export function tokenInputRefused(provider: ProviderId): GatewayError {
  return { kind: "invalid_request", message: `Token-id input is not supported for ${provider} models; send the text instead.`, param: "input", code: "unsupported_input" };
}
