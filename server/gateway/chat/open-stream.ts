import { sseDecoder } from "../sse";
import { readFirstEvent } from "../stream/read-first-event";
import { readEvents, type EventReader } from "../stream/run-stream";
import type { Result, StreamEvent, UpstreamRequest } from "../types";
import type { ChatCall } from "./chat-call";
import { sendWithAttempts } from "./send-attempts";

/** An upstream stream that produced its first normalized event: the response can be committed. */
export interface OpenedStream {
  reader: EventReader;
  first: StreamEvent;
}

/**
 * Sends `upstreamRequest` through the attempt loop and reads the first event before answering, so a failure before it
 * still gets a proper HTTP status (and a retry).
 */
export function openStream(call: ChatCall, upstreamRequest: UpstreamRequest): Promise<Result<OpenedStream>> {
  const { deps, record, adapter, signal } = call;
  return sendWithAttempts<OpenedStream>(deps, record, adapter, upstreamRequest, signal, async (response) => {
    const reader = readEvents(response, adapter.streamDecoder?.() ?? sseDecoder(), adapter.parseStream());
    const first = await readFirstEvent(reader, deps.options.firstTokenTimeoutMs, adapter.id);
    return first.ok ? { ok: true, value: { reader, first: first.value } } : first;
  });
}
