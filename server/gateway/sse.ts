import { createParser, type EventSourceMessage } from "eventsource-parser";
import { defineStreamParser, type StepController, type StreamParser } from "./stream/stream-parser";
import type { SseEvent } from "./types";

/**
 * bytes → decoded server-sent events: UTF-8 decoding across chunk boundaries, then eventsource-parser.
 * As its EventSourceParserStream does, an event left incomplete when the body ends is not dispatched
 * (the adapter's flush sees the missing end marker and reports a cut stream).
 */
export function sseDecoder(): StreamParser<Uint8Array, SseEvent> {
  const decoder = new TextDecoder();
  let output: StepController<SseEvent> | undefined;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => output!.enqueue({ event: message.event, data: message.data, id: message.id }),
  });
  return defineStreamParser<Uint8Array, SseEvent>({
    transform(chunk, controller) {
      output = controller;
      parser.feed(decoder.decode(chunk, { stream: true }));
    },
    flush(controller) {
      output = controller;
      const rest = decoder.decode();
      if (rest) parser.feed(rest);
    },
  });
}
