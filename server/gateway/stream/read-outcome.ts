import type { GatewayError, ProviderId, StreamEvent } from "../types";
import { classifyUpstreamFailure } from "../upstream";

/** A read that threw mid-stream: a timeout keeps its phase; any other failure (reset socket, bad bytes) is a cut stream. */
export function readFailure(error: unknown, provider: ProviderId): GatewayError {
  const failure = classifyUpstreamFailure(error, provider);
  return failure.kind === "timeout" ? failure : { kind: "stream_cut", provider };
}

/** A read's event. Parsers end with finish or error, so a bare end means the decoder chain lost the marker: a cut stream. */
export function eventOfRead(next: ReadableStreamReadResult<StreamEvent>, provider: ProviderId): StreamEvent {
  return next.done ? { type: "error", error: { kind: "stream_cut", provider } } : next.value;
}
