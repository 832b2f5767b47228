import type { KeyEntry } from "../config/config-source";
import type { GatewayRequest, OutboundFrame } from "../contract";
import type { GatewayDeps } from "../deps";
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

/** What a format's async pre-step may use: the caller's key and the gateway's parts. */
export interface PrepareContext {
  deps: GatewayDeps;
  key: KeyEntry;
  requestId: string;
}

/** The request to send and the format to answer in (a format may bind per-request state). */
export interface PreparedChat {
  chatRequest: ChatRequest;
  format: InboundFormat;
}

export type PrepareStep = (context: PrepareContext) => Promise<Result<PreparedChat>>;

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
  /**
   * `prepare`, when present, runs after authentication and parsing, before the model is resolved
   * (e.g. the Responses API loads a stored conversation for `previous_response_id`).
   * `request` gives the headers a format reads (Anthropic Messages: `anthropic-beta`).
   */
  parseRequest(body: unknown, request?: Pick<GatewayRequest, "header">): Result<{ chatRequest: ChatRequest; warnings: Warning[]; prepare?: PrepareStep }>;
  encodeResult(result: ChatResult, usage: Usage, meta: AnswerMeta): unknown;
  createStreamEncoder(meta: AnswerMeta): StreamEncoder;
  encodeError(error: GatewayError): EncodedError;
}
