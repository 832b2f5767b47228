import { chatRequestSchema } from "../chat-request";
import { toOpenAIError } from "../errors";
import { toOpenAICompletion } from "../openai-format";
import { parseBody } from "../parse-body";
import { completionId } from "../request-id";
import { ChunkEncoder } from "../stream/chunk-encoder";
import type { InboundFormat } from "./inbound-format";

/** OpenAI Chat Completions in: the pipeline's own shape, so decoding is validation only. */
export const openaiInbound: InboundFormat = {
  endpoint: "/v1/chat/completions",
  allowXApiKey: false,
  parseRequest(body) {
    const parsed = parseBody(chatRequestSchema, body);
    return parsed.ok ? { ok: true, value: { chatRequest: parsed.value, warnings: [] } } : parsed;
  },
  encodeResult(result, usage, meta) {
    return toOpenAICompletion(result, { id: completionId(meta.requestId), model: meta.model, created: meta.created }, usage);
  },
  createStreamEncoder(meta) {
    return new ChunkEncoder({
      id: completionId(meta.requestId),
      model: meta.model,
      created: meta.created,
      includeUsage: meta.chatRequest.stream_options?.include_usage === true,
    });
  },
  encodeError: toOpenAIError,
};
