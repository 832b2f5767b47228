import type { SseEvent, StreamEvent } from "../types";
import { isStreamStep, type StepController, type StreamStep } from "./stream-parser";

/** What the pipeline reads typed events through: the shape of a web stream reader, whatever runs behind it. */
export type EventReader = Pick<ReadableStreamDefaultReader<StreamEvent>, "read" | "cancel">;

type Decoder = StreamStep<Uint8Array, SseEvent> | TransformStream<Uint8Array, SseEvent>;
type Parser = StreamStep<SseEvent, StreamEvent> | TransformStream<SseEvent, StreamEvent>;

export interface UpstreamBody {
  /** The body as node chunks (no web-stream hop). */
  chunks(): AsyncIterable<Uint8Array>;
  stream(): ReadableStream<Uint8Array>;
  discard(): void;
}

/**
 * upstream body → decoder → adapter parser, as one reader of typed events. When both steps are plain
 * StreamSteps (every built-in decoder and parser but those still written as web streams) they run as
 * direct calls in one async generator; otherwise the web streams are piped as before.
 */
export function readEvents(body: UpstreamBody, decoder: Decoder, parser: Parser): EventReader {
  if (!isStreamStep(decoder) || !isStreamStep(parser)) {
    const toParser = isStreamStep(parser) ? (parser as unknown as TransformStream<SseEvent, StreamEvent>) : parser;
    const toDecoder = isStreamStep(decoder) ? (decoder as unknown as TransformStream<Uint8Array, SseEvent>) : decoder;
    return body.stream().pipeThrough(toDecoder).pipeThrough(toParser).getReader();
  }
  const events = runSteps(body.chunks(), decoder, parser);
  return {
    read: () => events.next() as Promise<ReadableStreamReadResult<StreamEvent>>,
    async cancel() {
      // The generator may be waiting on the socket: destroying the body ends that wait, return() the rest.
      body.discard();
      await events.return(undefined).catch(() => {});
    },
  };
}

async function* runSteps(chunks: AsyncIterable<Uint8Array>, decoder: StreamStep<Uint8Array, SseEvent>, parser: StreamStep<SseEvent, StreamEvent>): AsyncGenerator<StreamEvent> {
  const pending: StreamEvent[] = [];
  const toPending: StepController<StreamEvent> = { enqueue: (event) => void pending.push(event) };
  const toParser: StepController<SseEvent> = { enqueue: (event) => parser.transform(event, toPending) };
  for await (const chunk of chunks) {
    decoder.transform(chunk, toParser);
    while (pending.length > 0) yield pending.shift()!;
  }
  decoder.flush?.(toParser);
  parser.flush?.(toPending);
  while (pending.length > 0) yield pending.shift()!;
}
