/**
 * Vertex answers in the publisher's own format: Anthropic Message objects for Claude (rawPredict), Gemini
 * GenerateContentResponse for Google models. The adapter interface hands the parser only the body, so the format
 * is told apart by its shape (`"type": "message"` vs `candidates`), and errors are relabelled as Vertex's.
 * References: see ./request.ts.
 */
import { defineStreamParser, type StepController, type StreamParser, type StreamStep } from "@/server/gateway/stream/stream-parser";
import type { ChatResult, GatewayError, Result, SseEvent, StreamEvent } from "@/server/gateway/types";
import { parseResponse as parseAnthropicResponse } from "../anthropic/response";
import { createStreamParser as createAnthropicStreamParser } from "../anthropic/stream";
import { parseResponse as parseGeminiResponse } from "../gemini/response";
import { parseStream as parseGeminiStream } from "../gemini/stream";

/** The same error, reported as Vertex's (the ledger and the client's message name the connection's kind). */
export function asVertexError(error: GatewayError): GatewayError {
  if (error.kind === "upstream" || error.kind === "stream_cut") return { ...error, provider: "vertex" };
  return error;
}

function isAnthropicShaped(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === "string";
}

export function parseResponse(body: unknown): Result<ChatResult> {
  const result = isAnthropicShaped(body) ? parseAnthropicResponse(body) : parseGeminiResponse(body);
  return result.ok ? result : { ok: false, error: asVertexError(result.error) };
}

function isAnthropicEvent(event: SseEvent): boolean {
  if (event.event) return true;
  try {
    return isAnthropicShaped(JSON.parse(event.data));
  } catch {
    return false;
  }
}

/**
 * Picks the publisher's stream parser from the first event (Anthropic events are named and typed; Gemini chunks are
 * bare GenerateContentResponses) and feeds every event through it.
 */
export function parseStream(): StreamParser<SseEvent, StreamEvent> {
  let inner: StreamStep<SseEvent, StreamEvent> | undefined;
  let output: StepController<StreamEvent> | undefined;
  const relay: StepController<StreamEvent> = { enqueue: (event) => output!.enqueue(event.type === "error" ? { type: "error", error: asVertexError(event.error) } : event) };
  return defineStreamParser<SseEvent, StreamEvent>({
    transform(event, controller) {
      output = controller;
      inner ??= isAnthropicEvent(event) ? createAnthropicStreamParser() : parseGeminiStream();
      inner.transform(event, relay);
    },
    flush(controller) {
      output = controller;
      if (!inner) return controller.enqueue({ type: "error", error: { kind: "stream_cut", provider: "vertex" } });
      inner.flush?.(relay);
    },
  });
}
