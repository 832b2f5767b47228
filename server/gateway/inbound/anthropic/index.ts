import { parseBody } from "../../parse-body";
import type { InboundFormat } from "../inbound-format";
import { toAnthropicError } from "./errors";
import { messagesRequestSchema, toChatRequest } from "./request";
import { messageId, toAnthropicMessage } from "./response";
import { MessagesStreamEncoder } from "./stream";

/** Anthropic Messages in (`POST /v1/messages`), served by any provider through the same pipeline. */
export const anthropicInbound: InboundFormat = {
  endpoint: "/v1/messages",
  allowXApiKey: true,
  parseRequest(body) {
    const parsed = parseBody(messagesRequestSchema, body);
    return parsed.ok ? { ok: true, value: toChatRequest(parsed.value) } : parsed;
  },
  encodeResult(result, usage, meta) {
    return toAnthropicMessage(result, { id: messageId(meta.requestId), model: meta.model }, usage);
  },
  createStreamEncoder(meta) {
    return new MessagesStreamEncoder({ id: messageId(meta.requestId), model: meta.model });
  },
  encodeError: toAnthropicError,
};
