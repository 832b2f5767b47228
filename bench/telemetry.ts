/**
 * npm run bench:telemetry — what metrics and traces cost per request. One gateway-only replica (dist/gateway.mjs) on a
 * PostgreSQL database made for the run, against the strict OpenAI fake, in three settings, alternated for
 * BENCH_ROUNDS rounds so that a neighbour's load spreads over all three: METRICS_ENABLED=false (and no OTLP
 * endpoint: no telemetry at all), metrics on (the default), and metrics + traces exported over OTLP/HTTP protobuf to a
 * local receiver that discards them. Each step is a closed loop of 64 concurrent 1 KB chat requests for BENCH_SECONDS;
 * the replica runs alone on core 1 (taskset), load, fake and receiver on core 0. Prints CPU per request (the median of
 * the rounds, and their range), saturated req/s and idle RSS. No timed assertion anywhere depends on it.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { closedLoop, createClient, percentile, post } from "./load";
import { cpuMs, rssMb, startLoadAndFake, startTarget, stopProcess } from "./targets";

const ADMIN_KEY = "bench-admin-key-0123456789abcdef";
const FAKE_KEY = "sk-fake-openai-0123456789";
const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const port = Number(process.env.BENCH_PORT ?? 3395);
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Summarize the following text. ".repeat(30).slice(0, 900) }] });

/** An OTLP/HTTP endpoint that answers 200 and keeps only a count of what it received. */
async function startDiscardingReceiver(): Promise<{ url: string; requests: () => number; bytes: () => number; close(): Promise<void> }> {
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((request, response) => {
    request.on("data", (chunk: Buffer) => (bytes += chunk.length));
    request.on("end", () => {
      requests++;
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests, bytes: () => bytes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function main() {
  if (spawnSync("node", ["-e", "import('./scripts/build-if-needed.mjs').then(m => m.buildIfNeeded())"], { stdio: "inherit" }).status !== 0) process.exit(1);
  const { fake, fakeUrl } = await startLoadAndFake();
  const receiver = await startDiscardingReceiver();
  const name = `modelgate_bench_telemetry_${process.pid}`;
  const admin = postgres(serverUrl, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database ${name}`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const shared = { NODE_ENV: "production", DATABASE_URL: databaseUrl, GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "warn", UPSTREAM_MAX_RETRIES: "0", GATEWAY_ADMIN_KEY: ADMIN_KEY };
  const settings = {
    "telemetry off": { METRICS_ENABLED: "false" },
    "metrics on": {},
    "metrics + traces (OTLP)": { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
  } satisfies Record<string, Record<string, string>>;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-bench-telemetry-"));
  const results = new Map<string, { cpu: number[]; rps: number[]; rss: number[] }>(Object.keys(settings).map((label) => [label, { cpu: [], rps: [], rss: [] }]));
  try {
    // The combined process migrates and bootstraps the database (org, the fake as OpenAI, its models); the key is issued there.
    const combined = await startTarget("bootstrap", port, process.execPath, ["dist/server.mjs"], { ...shared, DATA_DIR: dataDir, OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: `${fakeUrl}/v1`, ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "bench-password-123" });
    const created = await fetch(`${combined.url}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
    const { key } = (await created.json()) as { key: string };
    await stopProcess(combined.child);

    for (let round = 0; round < rounds; round++) {
      for (const [label, extra] of Object.entries(settings)) {
        const target = await startTarget(label, port, process.execPath, ["dist/gateway.mjs"], { ...shared, ...extra });
        const result = results.get(label)!;
        result.rss.push(rssMb(target.child.pid!));
        const client = createClient(target.url);
        const call = () => post(client, "/v1/chat/completions", { authorization: `Bearer ${key}` }, body);
        await closedLoop(call, 8, 1); // warm up: JIT, pools
        const before = cpuMs(target.child.pid!);
        const sample = await closedLoop(call, 64, seconds);
        result.cpu.push((cpuMs(target.child.pid!) - before) / sample.latencies.length);
        result.rps.push(sample.latencies.length / sample.seconds);
        await client.close();
        await stopProcess(target.child);
      }
    }
    const median = (values: number[]) => percentile(values, 50);
    const offCpu = median(results.get("telemetry off")!.cpu);
    console.log(`modelgate telemetry benchmark — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}, ${rounds} rounds × ${seconds} s, 64 concurrent\n`);
    console.log("| setting | CPU per request (median) | range over rounds | vs off | max req/s (median) | RSS idle |");
    console.log("|---|---|---|---|---|---|");
    for (const [label, result] of results) {
      const cpu = median(result.cpu);
      const delta = label === "telemetry off" ? "–" : `${cpu - offCpu >= 0 ? "+" : ""}${((cpu - offCpu) * 1000).toFixed(0)} µs (${(((cpu - offCpu) / offCpu) * 100).toFixed(1)} %)`;
      console.log(`| ${label} | ${cpu.toFixed(3)} ms | ${Math.min(...result.cpu).toFixed(3)}–${Math.max(...result.cpu).toFixed(3)} ms | ${delta} | ${median(result.rps).toFixed(0)} | ${median(result.rss).toFixed(0)} MiB |`);
    }
    console.log(`\nOTLP receiver: ${receiver.requests()} export requests, ${(receiver.bytes() / 1024).toFixed(0)} KiB of spans.`);
  } finally {
    await stopProcess(fake);
    await receiver.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
