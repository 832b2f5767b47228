/**
 * WebSocket mode's wire events: decoding the client's `response.create`, and encoding a
 * GatewayResponse as the same Responses stream events the SSE path sends (one JSON text frame
 * each, without `event:`/`data:` framing or `[DONE]`), or as one `error` event.
 * References:
 * - client and server events: https://developers.openai.com/api/reference/resources/responses/websocket-events
 *   (`response.create` carries the POST /v1/responses body at the top level; `stream` is implicit,
 *   `background` is not supported)
 * - error event: `{"type":"error","status":400,"error":{"type","code","message","param"}}`, as in
 *   https://developers.openai.com/api/docs/guides/websocket-mode (previous_response_not_found,
 *   websocket_connection_limit_reached)
 */
import type { RawData } from "ws";
import type { GatewayResponse, OutboundFrame } from "../contract";
import { toOpenAIError, type OpenAIErrorBody, type OpenAIErrorResponse } from "../errors";
import { send, sendFrames, type Sender } from "./websocket-messages";

export type ClientEvent =
  | { type: "create"; body: Record<string, unknown> }
  /** Answered with an `error` event; the socket stays open. */
  | { type: "rejected"; error: OpenAIErrorResponse };

const TERMINAL_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed"]);

export function parseClientEvent(data: RawData, isBinary: boolean): ClientEvent {
  const reject = (message: string, code: string, param: string | null = null): ClientEvent => ({
    type: "rejected",
    error: toOpenAIError({ kind: "invalid_request", message, code, ...(param ? { param } : {}) }),
  });
  if (isBinary) return reject("Binary frames are not supported; send JSON text frames.", "invalid_event");
  let event: unknown;
  try {
    event = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8"));
  } catch {
    return reject("The frame is not valid JSON.", "invalid_json");
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) return reject("Each frame must be a JSON object with a 'type'.", "invalid_event");
  const { type, ...body } = event as Record<string, unknown>;
  if (type !== "response.create") return reject(`Unsupported event type '${String(type)}'; send 'response.create'.`, "unknown_event_type", "type");
  if (body.background === true) return reject("background is not supported in WebSocket mode.", "unsupported_parameter", "background");
  if (body.generate === false) return reject("generate: false (warm-up) is not supported by this gateway.", "unsupported_parameter", "generate");
  delete body.generate;
  return { type: "create", body: { ...body, stream: true } };
}

export function errorEvent(error: { status: number; body: OpenAIErrorBody }): string {
  return JSON.stringify({ type: "error", status: error.status, error: error.body.error });
}

/** A stream frame as its WebSocket text: the event object itself; `undefined` for frames WebSocket mode has no use for. */
function encodeFrame(frame: OutboundFrame): string | undefined {
  switch (frame.type) {
    case "event":
    case "data":
      return JSON.stringify(frame.data);
    case "error":
      return errorEvent(frame);
    case "done":
      return undefined;
  }
}

const isTerminal = (frame: OutboundFrame) => frame.type === "error" || (frame.type === "event" && TERMINAL_EVENTS.has(frame.event));

/**
 * Sends one response's events. Resolves once its terminal event (`response.completed`,
 * `response.incomplete`, `response.failed` or an `error` event) is written, or the socket is gone.
 * A failure before streaming (a non-2xx JSON answer) becomes one `error` event.
 */
export async function sendResponseEvents(sender: Sender, result: GatewayResponse, signal: AbortSignal): Promise<void> {
  if (result.type === "json") {
    const error = result.status >= 400 ? { status: result.status, body: result.body as OpenAIErrorBody } : toOpenAIError({ kind: "internal" });
    return void (await send(sender, errorEvent(error)));
  }
  const outcome = await sendFrames(sender, result.frames, signal, encodeFrame, isTerminal);
  // A stream that ended without its terminal event (a bug) must never look like success.
  if (outcome === "unfinished") await send(sender, errorEvent(toOpenAIError({ kind: "internal" })));
}
