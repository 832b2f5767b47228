import { parseBody } from "../../parse-body";
import type { InboundFormat } from "../inbound-format";
import { readAnthropicBeta } from "./beta-header";
import { toAnthropicError } from "./errors";
import { messagesRequestSchema, toChatRequest } from "./request";
import { messageId, toAnthropicMessage } from "./response";
import { MessagesStreamEncoder } from "./stream";

/** Anthropic Messages in (`POST /v1/messages`), served by any provider through the same pipeline. */
export const anthropicInbound: InboundFormat = {
  endpoint: "/v1/messages",
  allowXApiKey: true,
  parseRequest(body, request) {
    const parsed = parseBody(messagesRequestSchema, body);
    if (!parsed.ok) return parsed;
    const betas = readAnthropicBeta(request);
    if (!betas.ok) return betas;
    const translated = toChatRequest(parsed.value);
    if (betas.value) translated.chatRequest.anthropic_beta = betas.value;
    return { ok: true, value: translated };
  },
  encodeResult(result, usage, meta) {
    return toAnthropicMessage(result, { id: messageId(meta.requestId), model: meta.model }, usage);
  },
  createStreamEncoder(meta) {
    return new MessagesStreamEncoder({ id: messageId(meta.requestId), model: meta.model });
  },
  encodeError: toAnthropicError,
};
