/**
 * One step of the stream chain as plain functions: `transform` per input, `flush` at the end, each emitting
 * through `controller.enqueue` (the shape of a web Transformer). The pipeline calls these directly inside one
 * async generator (run-stream.ts): a web TransformStream per step costs ~20–60 µs to build on Node 20 and a
 * promise hop per chunk, and was most of the streaming path's CPU (README "Benchmark"). The object is also a
 * { readable, writable } pair, built on first use, so tests and other callers can still `.pipeThrough()` it.
 */
export interface StepController<O> {
  enqueue(value: O): void;
}

export interface StreamStep<I, O> {
  transform(chunk: I, controller: StepController<O>): void;
  flush?(controller: StepController<O>): void;
}

export interface StreamParser<I, O> extends StreamStep<I, O> {
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
}

export function defineStreamParser<I, O>(step: StreamStep<I, O>): StreamParser<I, O> {
  let pair: TransformStream<I, O> | undefined;
  const asStream = () => (pair ??= new TransformStream<I, O>({ transform: (chunk, controller) => step.transform(chunk, controller), flush: step.flush ? (controller) => step.flush!(controller) : undefined }));
  return {
    transform: (chunk, controller) => step.transform(chunk, controller),
    flush: step.flush ? (controller) => step.flush!(controller) : undefined,
    get readable() {
      return asStream().readable;
    },
    get writable() {
      return asStream().writable;
    },
  };
}

export function isStreamStep<I, O>(value: StreamStep<I, O> | TransformStream<I, O>): value is StreamStep<I, O> {
  return typeof (value as StreamStep<I, O>).transform === "function";
}
