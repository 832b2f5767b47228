import { readFileSync } from "node:fs";
import path from "node:path";
import { sseDecoder } from "@/server/gateway/sse";
import type { SseEvent } from "@/server/gateway/types";

const fixtureDir = path.join(import.meta.dirname, "__fixtures__");

/** Reads a fixture file from server/providers/__fixtures__. */
export function readFixture(name: string): string {
  return readFileSync(path.join(fixtureDir, name), "utf8");
}

/** A recorded raw SSE body (`<name>.sse`), decoded exactly as the gateway decodes live bytes. */
export function fixtureSse(name: string, options: { cutAfterBytes?: number } = {}): ReadableStream<SseEvent> {
  let bytes = new TextEncoder().encode(readFixture(`${name}.sse`));
  if (options.cutAfterBytes !== undefined) bytes = bytes.slice(0, options.cutAfterBytes);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Deliver in small uneven slices to exercise chunk boundaries.
      for (let offset = 0; offset < bytes.length; offset += 37) controller.enqueue(bytes.slice(offset, offset + 37));
      controller.close();
    },
  }).pipeThrough(sseDecoder());
}

/** A fixture of one JSON object per line (`<name>.chunks.txt`), as data-only SSE events. */
export function fixtureChunks(name: string): ReadableStream<SseEvent> {
  const lines = readFixture(`${name}.chunks.txt`).split("\n").filter((line) => line.trim() !== "");
  return new ReadableStream<SseEvent>({
    start(controller) {
      for (const line of lines) controller.enqueue({ data: line });
      controller.close();
    },
  });
}

export async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream as unknown as AsyncIterable<T>) items.push(item);
  return items;
}
