import type { OpenAIErrorBody } from "./errors";
import type { Result } from "./types";

/** What a transport hands the pipeline: nothing node- or web-specific. */
export interface GatewayRequest {
  method: string;
  /** Path without the query string, e.g. /v1/chat/completions */
  path: string;
  header(name: string): string | undefined;
  /**
   * Reads and JSON-decodes the body, enforcing the size limit and the client-body timeout.
   * Called after authentication, so unauthenticated callers cannot make the gateway buffer bodies.
   */
  readJson(): Promise<Result<unknown>>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** One frame of a normalized stream; transports encode it as SSE or WebSocket messages. */
export type OutboundFrame =
  | { type: "data"; data: unknown }
  /** A named server-sent event (`event: <name>`), as Anthropic's Messages stream uses. */
  | { type: "event"; event: string; data: unknown }
  | { type: "done" }
  | { type: "error"; status: number; body: OpenAIErrorBody };

export type GatewayResponse =
  | { type: "json"; status: number; headers: Record<string, string>; body: unknown }
  | { type: "stream"; status: number; headers: Record<string, string>; frames: ReadableStream<OutboundFrame> };
