import type { OutboundFrame } from "../contract";
import type { ChatRequest, ChatResult, GatewayError, Result, StreamEvent, Usage, Warning } from "../types";

/** What an answer is stamped with, whatever the wire format. */
export interface AnswerMeta {
  /** The ledger row id (`req_…`); each format derives its own response id from it. */
  requestId: string;
  /** The model name the caller asked for. */
  model: string;
  /** Unix seconds. */
  created: number;
  chatRequest: ChatRequest;
}

/** Normalized stream events → one wire format's frames. `usage` is the final usage, given with `finish` only. */
export interface StreamEncoder {
  encode(event: StreamEvent, usage?: Usage): OutboundFrame[];
}

export interface EncodedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * An API shape the gateway accepts (OpenAI Chat Completions, Anthropic Messages). The pipeline
 * stays one: a format only decodes the body into the OpenAI-shaped ChatRequest and encodes
 * results, streams and errors back into its own wire shape.
 */
export interface InboundFormat {
  /** The ledger row's `endpoint`. */
  readonly endpoint: string;
  /** Whether the virtual key may also arrive in `x-api-key` (Anthropic's SDKs send it there). */
  readonly allowXApiKey: boolean;
  parseRequest(body: unknown): Result<{ chatRequest: ChatRequest; warnings: Warning[] }>;
  encodeResult(result: ChatResult, usage: Usage, meta: AnswerMeta): unknown;
  createStreamEncoder(meta: AnswerMeta): StreamEncoder;
  encodeError(error: GatewayError): EncodedError;
}
