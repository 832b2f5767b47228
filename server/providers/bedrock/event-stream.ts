/**
 * The AWS event-stream binary framing (`application/vnd.amazon.eventstream`), as ConverseStream answers, decoded with
 * AWS's own codec (EventStreamCodec from @smithy/core, as the AWS SDK uses: prelude and message CRC32 checks, every
 * header type).
 *
 * References:
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html (message layout: prelude =
 *   total length u32 BE + headers length u32 BE + prelude CRC32; headers; payload; message CRC32)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html (`:message-type` event
 *   with `:event-type`, or exception with `:exception-type` and a JSON payload `{"message": …}`)
 *
 * The decoder yields one SseEvent per message, so the gateway's stream chain stays the same: an event becomes
 * `{ event: <:event-type>, data: <payload> }`; an exception or error message becomes
 * `{ event: "exception", data: {"type", "message"} }`. Framing (cutting the byte stream into messages by their
 * length) is ours; a CRC mismatch or an impossible length errors the stream (the gateway reports a cut stream); an
 * incomplete last message is dropped, so the parser sees no end marker.
 */
import { EventStreamCodec, type Message, type MessageHeaders } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";
import type { SseEvent } from "@/server/gateway/types";

const PRELUDE_BYTES = 12;
const MINIMUM_MESSAGE_BYTES = PRELUDE_BYTES + 4;
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const EMPTY = new Uint8Array(0);

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const stringHeader = (headers: MessageHeaders, name: string): string | undefined => {
  const header = headers[name];
  return header?.type === "string" ? header.value : undefined;
};

/** One decoded message → the SseEvent it stands for (undefined for a message without a type). */
function toSseEvent({ headers, body }: Message): SseEvent | undefined {
  const payload = toUtf8(body);
  const messageType = stringHeader(headers, ":message-type");
  if (messageType === "exception" || messageType === "error") {
    const type = stringHeader(headers, ":exception-type") ?? stringHeader(headers, ":error-code") ?? "UnknownException";
    let text = stringHeader(headers, ":error-message") ?? "";
    try {
      const parsed = JSON.parse(payload) as { message?: unknown; Message?: unknown };
      text = String(parsed.message ?? parsed.Message ?? text);
    } catch {
      // keeps the header message
    }
    return { event: "exception", data: JSON.stringify({ type, message: text }) };
  }
  const eventType = stringHeader(headers, ":event-type");
  return eventType === undefined ? undefined : { event: eventType, data: payload };
}

function decode(message: Uint8Array): Message {
  try {
    return codec.decode(message);
  } catch (error) {
    throw new Error(`event-stream: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}

/** Bytes → one SseEvent per event-stream message, CRCs verified. */
export function eventStreamDecoder(): TransformStream<Uint8Array, SseEvent> {
  let pending = EMPTY;
  return new TransformStream<Uint8Array, SseEvent>({
    transform(chunk, controller) {
      const bytes = pending.length === 0 ? chunk : concat(pending, chunk);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let offset = 0;
      while (bytes.length - offset >= PRELUDE_BYTES) {
        const totalLength = view.getUint32(offset);
        if (totalLength < MINIMUM_MESSAGE_BYTES || totalLength > MAX_MESSAGE_BYTES) throw new Error("event-stream: bad message length");
        if (bytes.length - offset < totalLength) break;
        const event = toSseEvent(decode(bytes.subarray(offset, offset + totalLength)));
        if (event) controller.enqueue(event);
        offset += totalLength;
      }
      // Only an incomplete message's bytes are kept (copied: the source may reuse its chunk).
      pending = offset === bytes.length ? EMPTY : bytes.slice(offset);
    },
  });
}

/** Encodes one message with string headers (used by the fake Bedrock and the tests). */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: string): Uint8Array {
  const tagged: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) tagged[name] = { type: "string", value };
  return codec.encode({ headers: tagged, body: fromUtf8(payload) });
}

/** A ConverseStream event message: `:event-type`, `:content-type` application/json, `:message-type` event. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return encodeEventStreamMessage({ ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(payload));
}

/** A ConverseStream exception message (e.g. throttlingException mid-stream). */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return encodeEventStreamMessage({ ":exception-type": exceptionType, ":content-type": "application/json", ":message-type": "exception" }, JSON.stringify({ message }));
}
