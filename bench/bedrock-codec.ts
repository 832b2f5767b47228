/**
 * npx tsx bench/bedrock-codec.ts [--baseline[=<git ref>]] — the Bedrock adapter's two CPU steps on the hot path:
 *   signing   SigV4 for one Converse request (1 KB JSON body): ops/s and µs per request
 *   decoding  ConverseStream bytes (AWS event-stream framing, CRCs checked) → SseEvents: MB/s, one message per
 *             chunk (as Bedrock writes them while the model generates) and 64 KB chunks (a burst read at once)
 * `--baseline` also loads the hand-written implementation (server/providers/bedrock/sigv4.ts and event-stream.ts)
 * from git, by default from the commit before they were deleted, and prints it beside the current one.
 * Implementations take turns (BENCH_ROUNDS rounds of BENCH_SECONDS per figure) and each figure is the median of its
 * rounds, so a noisy neighbour on a shared machine skews both columns alike.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { SseEvent } from "@/server/gateway/types";
import { parseCredentials, signRequest } from "@/server/providers/bedrock";
import { encodeEvent, eventStreamDecoder } from "@/server/providers/bedrock/event-stream";

type Headers = Record<string, string>;
type SignRequest = (request: { method: string; url: string; headers: Headers; body: string }, options: { credentials: { accessKeyId: string; secretAccessKey: string }; region: string; service: string; now: Date }) => Headers | Promise<Headers>;

interface Implementation {
  label: string;
  signRequest: SignRequest;
  eventStreamDecoder: () => TransformStream<Uint8Array, SseEvent>;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const credentials = parseCredentials("AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")!;
const request = {
  method: "POST",
  url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream",
  headers: { "content-type": "application/json", accept: "application/vnd.amazon.eventstream" },
  body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "x".repeat(960) }] }], inferenceConfig: { maxTokens: 512 } }),
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measureSigning(implementation: Implementation): Promise<{ opsPerSecond: number }> {
  const options = { credentials, region: "us-east-1", service: "bedrock", now: new Date() };
  const started = performance.now();
  let operations = 0;
  while (performance.now() - started < SECONDS * 1000) {
    for (let index = 0; index < 200; index++) await implementation.signRequest(request, options);
    operations += 200;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { opsPerSecond: operations / elapsed };
}

/** ~4 MB of contentBlockDelta messages (~140 bytes each, as a model streams short text deltas). */
function streamBytes(): Uint8Array[] {
  const messages: Uint8Array[] = [];
  for (let index = 0; index < 30_000; index++) messages.push(encodeEvent("contentBlockDelta", { delta: { text: `token ${index} of a streamed answer, ` }, contentBlockIndex: 0 }));
  return messages;
}

function rechunk(messages: Uint8Array[], size: number): Uint8Array[] {
  const whole = Buffer.concat(messages);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < whole.length; offset += size) chunks.push(whole.subarray(offset, offset + size));
  return chunks;
}

async function decodeOnce(implementation: Implementation, chunks: Uint8Array[]): Promise<number> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let events = 0;
  const reader = source.pipeThrough(implementation.eventStreamDecoder()).getReader();
  while (!(await reader.read()).done) events++;
  return events;
}

async function measureDecoding(implementation: Implementation, chunks: Uint8Array[], expected: number): Promise<number> {
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  await decodeOnce(implementation, chunks);
  const started = performance.now();
  let rounds = 0;
  while (performance.now() - started < SECONDS * 1000) {
    const events = await decodeOnce(implementation, chunks);
    if (events !== expected) throw new Error(`${implementation.label}: decoded ${events} events, expected ${expected}`);
    rounds++;
  }
  return (bytes * rounds) / 1e6 / ((performance.now() - started) / 1000);
}

/** The hand-written files as they were at `ref`, imported from a temporary folder. */
async function loadBaseline(ref: string | undefined): Promise<Implementation> {
  const commit = ref ?? `${execFileSync("git", ["log", "-1", "--format=%H", "--diff-filter=D", "--", "server/providers/bedrock/sigv4.ts"]).toString().trim()}^`;
  if (commit === "^") throw new Error("sigv4.ts was never deleted here: pass --baseline=<git ref>");
  const folder = mkdtempSync(path.join(os.tmpdir(), "bedrock-baseline-"));
  try {
    for (const file of ["sigv4.ts", "event-stream.ts"]) writeFileSync(path.join(folder, file), execFileSync("git", ["show", `${commit}:server/providers/bedrock/${file}`]));
    const sigv4 = await import(pathToFileURL(path.join(folder, "sigv4.ts")).href);
    const eventStream = await import(pathToFileURL(path.join(folder, "event-stream.ts")).href);
    return { label: `hand-written (${commit.slice(0, 12)})`, signRequest: sigv4.signRequest, eventStreamDecoder: eventStream.eventStreamDecoder };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const baselineArgument = process.argv.slice(2).find((argument) => argument.startsWith("--baseline"));
  const implementations: Implementation[] = [{ label: "current", signRequest, eventStreamDecoder }];
  if (baselineArgument) implementations.unshift(await loadBaseline(baselineArgument.split("=")[1]));
  const messages = streamBytes();
  const chunked = rechunk(messages, 64 * 1024);
  const samples = implementations.map(() => ({ signing: [] as number[], perMessage: [] as number[], burst: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, implementation] of implementations.entries()) {
      samples[index].signing.push((await measureSigning(implementation)).opsPerSecond);
      samples[index].perMessage.push(await measureDecoding(implementation, messages, messages.length));
      samples[index].burst.push(await measureDecoding(implementation, chunked, messages.length));
    }
  }
  const rows = implementations.map((implementation, index) => {
    const signing = median(samples[index].signing);
    return [implementation.label, Math.round(signing).toString(), (1e6 / signing).toFixed(1), median(samples[index].perMessage).toFixed(1), median(samples[index].burst).toFixed(1)];
  });
  const megabytes = (messages.reduce((sum, message) => sum + message.length, 0) / 1e6).toFixed(1);
  console.log(`bedrock codec — node ${process.version}, ${os.cpus().length} cores, median of ${ROUNDS} alternating rounds of ${SECONDS}s per figure, ${messages.length} messages (${megabytes} MB)\n`);
  console.log("| implementation | signing ops/s | µs per signature | decoding MB/s (1 message per chunk) | decoding MB/s (64 KB chunks) |");
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

await main();
