/**
 * The WebSocket transport's wire messages: decoding client messages and encoding a
 * GatewayResponse as `chunk` / `done` / `error` messages for one request id, with backpressure.
 * Protocol: see websocket.ts and README "WebSocket streaming".
 * ws `send(data, callback)`: the callback runs once the frame is written to the socket, so
 * awaiting it while `bufferedAmount` is high waits for the client to read
 * (https://github.com/websockets/ws/blob/master/doc/ws.md#websocketsenddata-options-callback).
 */
import type { RawData, WebSocket } from "ws";
import type { GatewayResponse, OutboundFrame } from "../contract";
import { toOpenAIError, type OpenAIErrorBody, type OpenAIErrorResponse } from "../errors";

/** Above this many queued bytes, each send waits until the socket has written it. */
const HIGH_WATER_BYTES = 1024 * 1024;
const MAX_ID_LENGTH = 256;

export type ClientMessage =
  | { type: "create"; id: string; request: unknown }
  | { type: "cancel"; id: string }
  /** Well-formed JSON we can't act on: answered with an error message, the socket stays open. */
  | { type: "rejected"; id: string | null; error: OpenAIErrorResponse }
  /** Not a JSON text frame: the socket is closed with 1008. */
  | { type: "invalid_frame"; reason: string };

export function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) return { type: "invalid_frame", reason: "binary frames are not supported" };
  let message: unknown;
  try {
    message = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8"));
  } catch {
    return { type: "invalid_frame", reason: "invalid JSON frame" };
  }
  const fields = typeof message === "object" && message !== null && !Array.isArray(message) ? (message as Record<string, unknown>) : {};
  const rawId = fields.id;
  const id = typeof rawId === "string" && rawId.length > 0 && rawId.length <= MAX_ID_LENGTH ? rawId : null;
  const reject = (message: string, param: string) => ({ type: "rejected" as const, id, error: toOpenAIError({ kind: "invalid_request", message, code: "invalid_message", param }) });
  if (fields.type !== "chat.completions.create" && fields.type !== "cancel") {
    return reject("Unknown message type; send 'chat.completions.create' or 'cancel'.", "type");
  }
  if (id === null) return reject(`Each message needs an 'id' string of 1 to ${MAX_ID_LENGTH} characters.`, "id");
  if (fields.type === "cancel") return { type: "cancel", id };
  return { type: "create", id, request: fields.request };
}

export interface Sender {
  websocket: WebSocket;
  /** A client that leaves a frame unread this long is disconnected (CLIENT_BODY_TIMEOUT_MS). */
  stallMs: number;
}

const CANCELLED: OpenAIErrorBody = { error: { message: "The request was cancelled by the client.", type: "invalid_request_error", code: "request_cancelled", param: null } };

/**
 * Sends one request's answer: every stream frame, ending with exactly one `done` or `error`.
 * A non-2xx JSON answer becomes an `error`; a cancelled request ends with `request_cancelled`.
 */
export async function sendResult(sender: Sender, id: string, result: GatewayResponse, signal: AbortSignal): Promise<void> {
  if (result.type === "json") {
    const isSuccess = result.status >= 200 && result.status < 300;
    const frames: OutboundFrame[] = isSuccess ? [{ type: "data", data: result.body }, { type: "done" }] : [{ type: "error", status: result.status, body: result.body as OpenAIErrorBody }];
    return sendAll(sender, id, frames);
  }
  const outcome = await sendFrames(sender, result.frames, signal, (frame) => encodeFrame(id, frame), (frame) => frame.type === "done" || frame.type === "error");
  if (outcome === "ended") return;
  // Cancelled, or (a bug) a stream that ended without its last frame: never let it look like success.
  const ending = outcome === "aborted" ? { status: 499, body: CANCELLED } : toOpenAIError({ kind: "internal" });
  await send(sender, encodeFrame(id, { type: "error", status: ending.status, body: ending.body }));
}

/**
 * Sends a stream's frames, each as `encode` writes it (`undefined`: not sent), up to and including the one `isLast`
 * names. "ended": that frame was sent, or the socket is gone; "aborted": the client's signal aborted first (the stream
 * is cancelled); "unfinished": the stream ended without its last frame. Shared by both WebSocket protocols.
 */
export async function sendFrames(
  sender: Sender,
  frames: ReadableStream<OutboundFrame>,
  signal: AbortSignal,
  encode: (frame: OutboundFrame) => string | undefined,
  isLast: (frame: OutboundFrame) => boolean,
): Promise<"ended" | "aborted" | "unfinished"> {
  const reader = frames.getReader();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) {
        onAbort(); // the listener never fires for a signal aborted before it was added
        return "aborted";
      }
      if (done) return "unfinished";
      const text = encode(value);
      if (text !== undefined && !(await send(sender, text))) {
        onAbort();
        return "ended";
      }
      if (isLast(value)) return "ended";
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

export async function sendAll(sender: Sender, id: string | null, frames: OutboundFrame[]): Promise<void> {
  for (const frame of frames) if (!(await send(sender, encodeFrame(id, frame)))) return;
}

function encodeFrame(id: string | null, frame: OutboundFrame): string {
  switch (frame.type) {
    case "data":
      return JSON.stringify({ type: "chunk", id, data: frame.data });
    case "event":
      return JSON.stringify({ type: "chunk", id, event: frame.event, data: frame.data });
    case "done":
      return JSON.stringify({ type: "done", id });
    case "error":
      return JSON.stringify({ type: "error", id, status: frame.status, error: frame.body.error });
  }
}

/** Resolves false when the socket is gone or the client stopped reading for `stallMs` (then it is terminated). */
export function send(sender: Sender, text: string): Promise<boolean> {
  const { websocket, stallMs } = sender;
  if (websocket.readyState !== websocket.OPEN) return Promise.resolve(false);
  if (websocket.bufferedAmount < HIGH_WATER_BYTES) {
    websocket.send(text);
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      websocket.terminate();
      resolve(false);
    }, stallMs);
    websocket.send(text, (error) => {
      clearTimeout(timer);
      resolve(!error);
    });
  });
}
