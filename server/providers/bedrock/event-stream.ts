/**
 * The AWS event-stream binary framing (`application/vnd.amazon.eventstream`), as ConverseStream answers.
 *
 * References:
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html (message layout: prelude =
 *   total length u32 BE + headers length u32 BE + prelude CRC32; headers; payload; message CRC32 over everything
 *   before it; header = name length u8, name, value type u8, value — type 7 is a u16-length UTF-8 string)
 * - https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html (the same encoding, header types 0–9)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html (`:message-type` event
 *   with `:event-type`, or exception with `:exception-type` and a JSON payload `{"message": …}`)
 *
 * The decoder yields one SseEvent per message, so the gateway's stream chain stays the same: an event becomes
 * `{ event: <:event-type>, data: <payload> }`; an exception or error message becomes
 * `{ event: "exception", data: {"type", "message"} }`. A CRC mismatch or an impossible length errors the stream
 * (the gateway reports a cut stream); an incomplete last message is dropped, so the parser sees no end marker.
 */
import type { SseEvent } from "@/server/gateway/types";

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index++) {
    let value = index;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib), the checksum event-stream uses. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type HeaderValue = string | number | boolean | Uint8Array;

function readHeaders(bytes: Uint8Array): Record<string, HeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const headers: Record<string, HeaderValue> = {};
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = view.getUint8(offset);
    const name = decoder.decode(bytes.subarray(offset + 1, offset + 1 + nameLength));
    offset += 1 + nameLength;
    const type = view.getUint8(offset);
    offset += 1;
    switch (type) {
      case 0:
      case 1:
        headers[name] = type === 0;
        break;
      case 2:
        headers[name] = view.getInt8(offset);
        offset += 1;
        break;
      case 3:
        headers[name] = view.getInt16(offset);
        offset += 2;
        break;
      case 4:
        headers[name] = view.getInt32(offset);
        offset += 4;
        break;
      case 5:
      case 8:
        headers[name] = Number(view.getBigInt64(offset));
        offset += 8;
        break;
      case 6:
      case 7: {
        const length = view.getUint16(offset);
        const value = bytes.subarray(offset + 2, offset + 2 + length);
        headers[name] = type === 7 ? decoder.decode(value) : value;
        offset += 2 + length;
        break;
      }
      case 9:
        headers[name] = bytes.subarray(offset, offset + 16);
        offset += 16;
        break;
      default:
        throw new Error(`event-stream: unknown header type ${type}`);
    }
  }
  return headers;
}

/** One complete message → the SseEvent it stands for (undefined for a message without a type). */
function toSseEvent(message: Uint8Array): SseEvent | undefined {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const headersLength = view.getUint32(4);
  const headers = readHeaders(message.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength));
  const payload = new TextDecoder().decode(message.subarray(PRELUDE_BYTES + headersLength, message.length - CRC_BYTES));
  const messageType = headers[":message-type"];
  if (messageType === "exception" || messageType === "error") {
    const type = String(headers[":exception-type"] ?? headers[":error-code"] ?? "UnknownException");
    let text = typeof headers[":error-message"] === "string" ? (headers[":error-message"] as string) : "";
    try {
      const parsed = JSON.parse(payload) as { message?: unknown; Message?: unknown };
      text = String(parsed.message ?? parsed.Message ?? text);
    } catch {
      // keeps the header message
    }
    return { event: "exception", data: JSON.stringify({ type, message: text }) };
  }
  const eventType = headers[":event-type"];
  return typeof eventType === "string" ? { event: eventType, data: payload } : undefined;
}

/** Bytes → one SseEvent per event-stream message, CRCs verified. */
export function eventStreamDecoder(): TransformStream<Uint8Array, SseEvent> {
  let buffer = new Uint8Array(0);
  return new TransformStream<Uint8Array, SseEvent>({
    transform(chunk, controller) {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      while (buffer.length >= PRELUDE_BYTES) {
        const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        const totalLength = view.getUint32(0);
        const headersLength = view.getUint32(4);
        if (crc32(buffer.subarray(0, 8)) !== view.getUint32(8)) throw new Error("event-stream: prelude CRC mismatch");
        if (totalLength < PRELUDE_BYTES + CRC_BYTES + headersLength || totalLength > MAX_MESSAGE_BYTES) throw new Error("event-stream: bad message length");
        if (buffer.length < totalLength) return;
        const message = buffer.subarray(0, totalLength);
        if (crc32(message.subarray(0, totalLength - CRC_BYTES)) !== view.getUint32(totalLength - CRC_BYTES)) throw new Error("event-stream: message CRC mismatch");
        const event = toSseEvent(message);
        if (event) controller.enqueue(event);
        buffer = buffer.slice(totalLength);
      }
    },
  });
}

/** Encodes one message with string headers (used by the fake Bedrock and the tests). */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: string): Uint8Array {
  const encoder = new TextEncoder();
  const headerParts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = encoder.encode(name);
    const valueBytes = encoder.encode(value);
    const part = new Uint8Array(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    part[0] = nameBytes.length;
    part.set(nameBytes, 1);
    part[1 + nameBytes.length] = 7;
    new DataView(part.buffer).setUint16(2 + nameBytes.length, valueBytes.length);
    part.set(valueBytes, 4 + nameBytes.length);
    headerParts.push(part);
  }
  const headersLength = headerParts.reduce((sum, part) => sum + part.length, 0);
  const payloadBytes = encoder.encode(payload);
  const totalLength = PRELUDE_BYTES + headersLength + payloadBytes.length + CRC_BYTES;
  const message = new Uint8Array(totalLength);
  const view = new DataView(message.buffer);
  view.setUint32(0, totalLength);
  view.setUint32(4, headersLength);
  view.setUint32(8, crc32(message.subarray(0, 8)));
  let offset = PRELUDE_BYTES;
  for (const part of headerParts) {
    message.set(part, offset);
    offset += part.length;
  }
  message.set(payloadBytes, offset);
  view.setUint32(totalLength - CRC_BYTES, crc32(message.subarray(0, totalLength - CRC_BYTES)));
  return message;
}

/** A ConverseStream event message: `:event-type`, `:content-type` application/json, `:message-type` event. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return encodeEventStreamMessage({ ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(payload));
}

/** A ConverseStream exception message (e.g. throttlingException mid-stream). */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return encodeEventStreamMessage({ ":exception-type": exceptionType, ":content-type": "application/json", ":message-type": "exception" }, JSON.stringify({ message }));
}
