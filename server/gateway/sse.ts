import { EventSourceParserStream } from "eventsource-parser/stream";
import type { SseEvent } from "./types";

/** bytes → decoded server-sent events (one TransformStream, composed of three). */
export function sseDecoder(): TransformStream<Uint8Array, SseEvent> {
  const text = new TextDecoderStream();
  const readable = text.readable.pipeThrough(new EventSourceParserStream()).pipeThrough(
    new TransformStream<{ event?: string; data: string; id?: string }, SseEvent>({
      transform(message, controller) {
        controller.enqueue({ event: message.event, data: message.data, id: message.id });
      },
    }),
  );
  return { writable: text.writable as WritableStream<Uint8Array>, readable } as TransformStream<Uint8Array, SseEvent>;
}
