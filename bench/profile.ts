/**
 * npm run bench:profile — where the gateway's CPU per request goes.
 *
 * Starts the strict OpenAI fake (core 0), bootstraps a fresh PostgreSQL database with the combined process, then runs
 * the gateway-only replica (dist/gateway.mjs) alone on core 1 under `node --cpu-prof`, saturates it with 64
 * concurrent non-streaming 1 KB chat requests (the `npm run bench` step that measures CPU per request), stops it with
 * SIGTERM (the profile is written at exit) and prints:
 *   - CPU per request measured from /proc (the profiler's own sampling adds a few percent),
 *   - the self time per request by area (node internals, undici, postgres, each gateway module — mapped back through
 *     dist/gateway.mjs.map to the source file),
 *   - the top functions by self time, in µs per request.
 * BENCH_SECONDS (default 10) sets the saturated window; BENCH_PROFILE_TARGET=bare profiles the bare proxy instead;
 * BENCH_PROFILE_MODEL names a model group (e.g. the routing scenario's group); BENCH_PROFILE_KEEP=1 keeps the
 * .cpuprofile (for Chrome DevTools) and prints its path; BENCH_PROFILE_CPU_ONLY=3 runs no profiler and prints the CPU per
 * request of 3 saturated windows (an A/B check of a change, without the profiler's overhead); BENCH_PROFILE_HEAP=1 takes
 * V8's sampling heap profile instead and prints what the process still holds at exit (its heap after the load: the
 * memory side of issue 8's RSS targets), by area and by allocating function; BENCH_PROFILE_ALLOC=1 samples every
 * allocation of the saturated window through the inspector (garbage included: what the collector has to clear) and
 * prints the bytes allocated per request by area and by function; BENCH_PROFILE_RATE=500 prints p50 / p99 / max latency
 * of three windows at that fixed rate instead (no profiler).
 */
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { SourceMapConsumer } from "source-map-js";
import WebSocket from "ws";
import { closedLoop, createClient, fixedRate, percentile, post } from "./load";
import { cpuMs, cpuSplitMs, prepareBuilds, startLoadAndFake, startTarget, stopProcess } from "./targets";

const ADMIN_KEY = "bench-admin-key-0123456789abcdef";
const FAKE_KEY = "sk-fake-openai-0123456789";
const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const target = process.env.BENCH_PROFILE_TARGET ?? "gateway";
const cpuOnly = Number(process.env.BENCH_PROFILE_CPU_ONLY ?? 0) || (process.env.BENCH_PROFILE_RATE ? 1 : 0);
const latencyRate = Number(process.env.BENCH_PROFILE_RATE ?? 0);
const heap = process.env.BENCH_PROFILE_HEAP === "1";
const allocations = process.env.BENCH_PROFILE_ALLOC === "1";
const INSPECTOR_PORT = 9339;
// BENCH_PROFILE_NODE_FLAGS: extra flags for the profiled process (e.g. --trace-gc, with BENCH_PROFILE_STDOUT=<file>).
const extraFlags = (process.env.BENCH_PROFILE_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const profilerFlags = (dir: string) =>
  extraFlags.length > 0 ? extraFlags : cpuOnly ? [] : allocations ? [`--inspect=127.0.0.1:${INSPECTOR_PORT}`] : heap ? ["--heap-prof", `--heap-prof-dir=${dir}`, "--heap-prof-interval=32768"] : ["--cpu-prof", `--cpu-prof-dir=${dir}`];

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in µs per node id (sum of the sample deltas attributed to it). */
function selfTimes(profile: Profile): Map<number, number> {
  const self = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  return self;
}

export function area(frame: CallFrame, original: string | null): string {
  if (frame.url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (frame.url.startsWith("node:")) return "node internals";
  const source = original ?? frame.url;
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (packageMatch) return packageMatch[1];
  const local = /(?:^|\/)((?:server|db|app|scripts)\/.*|gateway\.ts|server\.ts|bench\/.*)$/.exec(source.replace(/^file:\/\//, ""));
  return local ? local[1] : source;
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
}

function sourceOf(consumer: SourceMapConsumer | null, bundle: string, frame: CallFrame): { original: string | null; line: number } {
  if (consumer && frame.url.endsWith(path.basename(bundle))) {
    const position = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
    return { original: position.source, line: position.line ?? frame.lineNumber + 1 };
  }
  return { original: null, line: frame.lineNumber + 1 };
}

function loadSourceMap(bundle: string): SourceMapConsumer | null {
  try {
    return new SourceMapConsumer(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
  } catch {
    return null; // no source map: areas fall back to the bundle's URL
  }
}

/**
 * A sampling heap profile by area and by allocating function: "live" is the heap at exit (--heap-prof keeps only
 * samples still alive), "allocated" every allocation of a window (garbage included), per request.
 */
function printHeapProfile(profile: HeapProfile, bundle: string, requests: number, name: string, kind: "live" | "allocated" = "live"): void {
  const consumer = loadSourceMap(bundle);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const visit = (node: HeapNode) => {
    if (node.selfSize > 0) {
      const { original, line } = sourceOf(consumer, bundle, node.callFrame);
      const where = area(node.callFrame, original);
      total += node.selfSize;
      byArea.set(where, (byArea.get(where) ?? 0) + node.selfSize);
      const key = `${node.callFrame.functionName || "(anonymous)"}  ${where}${node.callFrame.url ? `:${line}` : ""}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  const figure = kind === "live" ? (bytes: number) => (bytes / 1024).toFixed(0).padStart(7) : (bytes: number) => (bytes / requests).toFixed(0).padStart(7);
  const unit = kind === "live" ? "live KiB" : "bytes allocated per request";
  console.log(kind === "live" ? `${name}: after ${requests} requests, ${figure(total)} KiB of JS heap still live at exit (sampled)\n` : `${name}: ${requests} requests, ${figure(total)} bytes allocated per request (sampled, garbage included)\n`);
  console.log(`${unit} by area:`);
  for (const [where, bytes] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${figure(bytes)}  ${where}`);
  console.log(`\n${unit} by allocating function:`);
  for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_PROFILE_TOP ?? 40))) console.log(`${figure(bytes)}  ${key}`);
}

/** Samples every allocation (collected ones too) of the profiled process through its inspector until stop(). */
async function startAllocationSampling(): Promise<{ stop(): Promise<HeapProfile> }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 1024 * 1024 * 1024 });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("HeapProfiler.enable");
  await send("HeapProfiler.startSampling", { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop() {
      const { profile } = (await send("HeapProfiler.stopSampling")) as { profile: HeapProfile };
      socket.close();
      return profile;
    },
  };
}

async function main() {
  prepareBuilds();
  const { fake, fakeUrl } = await startLoadAndFake();
  const name = `modelgate_profile_${process.pid}`;
  const admin = postgres(serverUrl, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database ${name}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-profile-"));
  const profileDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-cpuprofile-"));
  const shared = { NODE_ENV: "production", DATABASE_URL: databaseUrl.toString(), GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString("base64"), DATA_DIR: dataDir, LOG_LEVEL: "warn", UPSTREAM_MAX_RETRIES: "0" };
  try {
    let apiKey = FAKE_KEY;
    let model = process.env.BENCH_PROFILE_MODEL ?? "gpt-4o-mini";
    let started;
    if (target === "bare") {
      started = await startTarget("bare proxy", 3396, process.execPath, [...profilerFlags(profileDir), "dist/bare-proxy.mjs", "3396", fakeUrl], {});
      model = "gpt-4o-mini";
    } else {
      const combined = await startTarget("combined", 3397, process.execPath, ["dist/server.mjs"], { ...shared, GATEWAY_ADMIN_KEY: ADMIN_KEY, OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: `${fakeUrl}/v1`, ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "bench-password-123" });
      const created = await fetch(`${combined.url}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name: "profile" }) });
      apiKey = ((await created.json()) as { key: string }).key;
      if (model === "bench-group") {
        const group = await fetch(`${combined.url}/api/admin/groups`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ name: "bench-group", strategy: "lowest_latency", deployments: ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano"].map((id) => ({ id, model: id })) }),
        });
        if (group.status !== 201) throw new Error(`creating the group: ${group.status}`);
      }
      await stopProcess(combined.child);
      started = await startTarget("gateway-only", 3398, process.execPath, [...profilerFlags(profileDir), "dist/gateway.mjs"], shared);
    }
    if (process.env.BENCH_PROFILE_STDOUT) started.child.stdout!.pipe(createWriteStream(process.env.BENCH_PROFILE_STDOUT));
    const client = createClient(started.url);
    const body = JSON.stringify({ model, messages: [{ role: "user", content: "Summarize the following text. ".repeat(30).slice(0, 900) }] });
    const call = () => post(client, "/v1/chat/completions", { authorization: `Bearer ${apiKey}` }, body);
    // Warm up (JIT, pools, caches, the old generation): the first saturated seconds of a fresh replica cost up to 1.5x
    // the steady state, measured with this script.
    const warmup = await closedLoop(call, 64, Number(process.env.BENCH_WARMUP_SECONDS ?? 6));
    if (latencyRate) {
      // Latency at a fixed rate (the bench's open loop), three windows: p50 and p99 in ms.
      const shown: string[] = [];
      for (let run = 0; run < 3; run++) {
        const sample = await fixedRate(call, latencyRate, seconds);
        shown.push(`p50 ${percentile(sample.latencies, 50).toFixed(2)} p99 ${percentile(sample.latencies, 99).toFixed(2)} max ${Math.max(...sample.latencies).toFixed(1)}`);
      }
      console.log(`${started.name} at ${latencyRate} req/s (ms): ${shown.join(" · ")}`);
      await client.close();
      await stopProcess(started.child);
      return;
    }
    if (cpuOnly) {
      const figures: { total: number; user: number; system: number }[] = [];
      for (let run = 0; run < cpuOnly; run++) {
        const before = cpuSplitMs(started.child.pid!);
        const window = await closedLoop(call, 64, seconds);
        const after = cpuSplitMs(started.child.pid!);
        const user = ((after.user - before.user) / window.latencies.length) * 1000;
        const system = ((after.system - before.system) / window.latencies.length) * 1000;
        figures.push({ total: user + system, user, system });
      }
      const shown = figures.map((figure) => `${figure.total.toFixed(0)} (user ${figure.user.toFixed(0)}, system ${figure.system.toFixed(0)})`);
      console.log(`${started.name}: CPU per request (µs) ${shown.join(" · ")}; median ${figures.map((figure) => figure.total).sort((a, b) => a - b)[Math.floor(figures.length / 2)].toFixed(0)}`);
      await client.close();
      await stopProcess(started.child);
      return;
    }
    const sampler = allocations ? await startAllocationSampling() : undefined;
    const cpuBefore = cpuMs(started.child.pid!);
    const saturated = await closedLoop(call, 64, seconds);
    if (sampler) {
      const sampled = await sampler.stop();
      printHeapProfile(sampled, target === "bare" ? "dist/bare-proxy.mjs" : "dist/gateway.mjs", saturated.latencies.length, started.name, "allocated");
      await client.close();
      await stopProcess(started.child);
      return;
    }
    const cpuPerRequest = (cpuMs(started.child.pid!) - cpuBefore) / saturated.latencies.length;
    await client.close();
    await stopProcess(started.child);

    if (heap) {
      const heapFile = readdirSync(profileDir).find((entry) => entry.endsWith(".heapprofile"));
      if (!heapFile) throw new Error("the profiled process wrote no .heapprofile");
      printHeapProfile(JSON.parse(readFileSync(path.join(profileDir, heapFile), "utf8")) as HeapProfile, target === "bare" ? "dist/bare-proxy.mjs" : "dist/gateway.mjs", warmup.latencies.length + saturated.latencies.length, started.name);
      return;
    }
    const file = readdirSync(profileDir).find((entry) => entry.endsWith(".cpuprofile"));
    if (!file) throw new Error("the profiled process wrote no .cpuprofile (did it exit cleanly on SIGTERM?)");
    const profile = JSON.parse(readFileSync(path.join(profileDir, file), "utf8")) as Profile;
    const bundle = target === "bare" ? "dist/bare-proxy.mjs" : "dist/gateway.mjs";
    let consumer: SourceMapConsumer | null = null;
    try {
      consumer = new SourceMapConsumer(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
    } catch {
      // no source map: areas fall back to the bundle's URL
    }
    const self = selfTimes(profile);
    // The profile covers the whole process life (startup, warm-up and the saturated window): per request means over
    // every request it served.
    const requests = warmup.latencies.length + saturated.latencies.length;
    const byArea = new Map<string, number>();
    const byFunction = new Map<string, { us: number; area: string }>();
    let total = 0;
    for (const node of profile.nodes) {
      const us = self.get(node.id) ?? 0;
      if (us === 0) continue;
      const frame = node.callFrame;
      let original: string | null = null;
      let originalLine = frame.lineNumber + 1;
      if (consumer && frame.url.endsWith(path.basename(bundle))) {
        const position = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
        original = position.source;
        originalLine = position.line ?? originalLine;
      }
      const where = area(frame, original);
      if (where === "(idle)" || where === "(program)") continue;
      total += us;
      byArea.set(where, (byArea.get(where) ?? 0) + us);
      const key = `${frame.functionName || "(anonymous)"}  ${where}${frame.url ? `:${originalLine}` : ""}`;
      const entry = byFunction.get(key) ?? { us: 0, area: where };
      entry.us += us;
      byFunction.set(key, entry);
    }
    const idle = [...profile.nodes].filter((node) => node.callFrame.functionName === "(idle)").reduce((sum, node) => sum + (self.get(node.id) ?? 0), 0);
    const program = [...profile.nodes].filter((node) => node.callFrame.functionName === "(program)").reduce((sum, node) => sum + (self.get(node.id) ?? 0), 0);
    const perRequest = (us: number) => (us / requests).toFixed(1).padStart(7);
    console.log(`${started.name}: ${saturated.latencies.length} requests in ${saturated.seconds.toFixed(1)} s (${(saturated.latencies.length / saturated.seconds).toFixed(0)}/s), ${saturated.errors} errors`);
    console.log(`CPU per request from /proc (profiler on): ${(cpuPerRequest * 1000).toFixed(0)} µs`);
    console.log(`sampled JS + GC per request: ${perRequest(total)} µs; "(program)" (V8/libuv outside JS) ${perRequest(program)} µs; idle ${perRequest(idle)} µs\n`);
    console.log("self time per request by area (µs):");
    for (const [where, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${perRequest(us)}  ${where}`);
    console.log("\ntop functions by self time per request (µs):");
    for (const [key, { us }] of [...byFunction].sort((a, b) => b[1].us - a[1].us).slice(0, Number(process.env.BENCH_PROFILE_TOP ?? 40))) console.log(`${perRequest(us)}  ${key}`);
    if (process.env.BENCH_PROFILE_KEEP) console.log(`\nprofile: ${path.join(profileDir, file)}`);
  } finally {
    await stopProcess(fake);
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.BENCH_PROFILE_KEEP) rmSync(profileDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
