/**
 * npm run bench — direct vs through the gateway, side by side, in one run:
 *   added p50/p99 latency at fixed rates, max requests per second, streaming time to first
 *   byte, and gateway memory with many concurrent streams.
 * The fake upstream and the gateway (node dist/server.mjs, the npm start path) each run in
 * their own process; the load generator is this process. On a 2-core machine all three share
 * the cores, so read the figures as a comparison, not as the gateway's ceiling.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { closedLoop, createClient, fixedRate, percentile, post } from "./load";

const GATEWAY_PORT = 3390;
const ADMIN_KEY = "bench-admin-key-0123456789abcdef";
const FAKE_KEY = "sk-fake-openai-0123456789";
const seconds = Number(process.env.BENCH_SECONDS ?? 5);

function startProcess(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes("\n")) resolve(buffer.split("\n")[0].trim());
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}`)));
  });
}

async function waitReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      if ((await fetch(`${url}/api/ready`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("gateway did not start");
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

async function main() {
  if (spawnSync("node", ["-e", "import('./scripts/build-if-needed.mjs').then(m => m.buildIfNeeded())"], { stdio: "inherit" }).status !== 0) process.exit(1);
  const fake = startProcess("npx", ["tsx", "bench/fake-upstream.ts", "0"], {});
  const fakeUrl = await firstLine(fake);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-bench-"));
  const gateway = startProcess(process.execPath, ["dist/server.mjs"], {
    NODE_ENV: "production",
    PORT: String(GATEWAY_PORT),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
    GATEWAY_ADMIN_KEY: ADMIN_KEY,
    OPENAI_API_KEY: FAKE_KEY,
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    ADMIN_EMAIL: "bench@example.com",
    ADMIN_PASSWORD: "bench-password-123",
    LOG_LEVEL: "warn",
    UPSTREAM_MAX_RETRIES: "0",
  });
  gateway.stdout!.resume();
  gateway.stderr!.resume();
  const gatewayUrl = `http://127.0.0.1:${GATEWAY_PORT}`;
  try {
    await waitReady(gatewayUrl);
    const created = await fetch(`${gatewayUrl}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
    const { key } = (await created.json()) as { key: string };

    const content = "Summarize the following text. ".repeat(30).slice(0, 900);
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
    const streamBody = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content }] });
    const direct = createClient(fakeUrl);
    const viaGateway = createClient(gatewayUrl);
    const directCall = () => post(direct, "/v1/chat/completions", { authorization: `Bearer ${FAKE_KEY}` }, body);
    const gatewayCall = () => post(viaGateway, "/v1/chat/completions", { authorization: `Bearer ${key}` }, body);

    // Warm up both paths (JIT, pools, tokenizer not involved on success paths).
    await closedLoop(directCall, 8, 1);
    await closedLoop(gatewayCall, 8, 1);

    const lines: string[] = [];
    lines.push(`modelgate benchmark — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}, ${seconds}s per step`);
    lines.push("");
    lines.push("| non-stream, 1 KB request | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 | errors (d/g) |");
    lines.push("|---|---|---|---|---|---|---|---|");
    for (const rate of [100, 500]) {
      const d = await fixedRate(directCall, rate, seconds);
      const g = await fixedRate(gatewayCall, rate, seconds);
      const [dp50, gp50, dp99, gp99] = [percentile(d.latencies, 50), percentile(g.latencies, 50), percentile(d.latencies, 99), percentile(g.latencies, 99)];
      lines.push(`| ${rate} req/s | ${fmt(dp50)} ms | ${fmt(gp50)} ms | ${fmt(gp50 - dp50)} ms | ${fmt(dp99)} ms | ${fmt(gp99)} ms | ${fmt(gp99 - dp99)} ms | ${d.errors}/${g.errors} |`);
    }
    const dMax = await closedLoop(directCall, 64, seconds);
    const gMax = await closedLoop(gatewayCall, 64, seconds);
    lines.push("");
    lines.push("| max throughput (64 concurrent, closed loop) | direct | gateway |");
    lines.push("|---|---|---|");
    lines.push(`| requests per second | ${fmt(dMax.latencies.length / dMax.seconds, 0)} | ${fmt(gMax.latencies.length / gMax.seconds, 0)} |`);
    lines.push(`| p50 latency | ${fmt(percentile(dMax.latencies, 50))} ms | ${fmt(percentile(gMax.latencies, 50))} ms |`);

    const ttfb = async (call: () => Promise<{ ttfbMs: number }>) => {
      const values: number[] = [];
      for (let index = 0; index < 200; index++) values.push((await call()).ttfbMs);
      return values;
    };
    const dTtfb = await ttfb(() => post(direct, "/v1/chat/completions", { authorization: `Bearer ${FAKE_KEY}` }, streamBody));
    const gTtfb = await ttfb(() => post(viaGateway, "/v1/chat/completions", { authorization: `Bearer ${key}` }, streamBody));
    lines.push("");
    lines.push("| streaming time to first byte (200 sequential) | direct | gateway | added |");
    lines.push("|---|---|---|---|");
    lines.push(`| p50 | ${fmt(percentile(dTtfb, 50))} ms | ${fmt(percentile(gTtfb, 50))} ms | ${fmt(percentile(gTtfb, 50) - percentile(dTtfb, 50))} ms |`);
    lines.push(`| p99 | ${fmt(percentile(dTtfb, 99))} ms | ${fmt(percentile(gTtfb, 99))} ms | ${fmt(percentile(gTtfb, 99) - percentile(dTtfb, 99))} ms |`);

    const streams = Number(process.env.BENCH_STREAMS ?? 1000);
    const idleRss = rssMb(gateway.pid!);
    const slowBody = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "count [[fake:slow]]" }] });
    const controllers = Array.from({ length: streams }, () => new AbortController());
    const open = controllers.map((controller) =>
      fetch(`${gatewayUrl}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: slowBody, signal: controller.signal })
        .then(async (response) => {
          const reader = response.body!.getReader();
          for (;;) if ((await reader.read()).done) break;
        })
        .catch(() => {}),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const peakRss = rssMb(gateway.pid!);
    for (const controller of controllers) controller.abort();
    await Promise.all(open);
    lines.push("");
    lines.push(`| ${streams} concurrent streams (1 delta / 100 ms) | gateway RSS |`);
    lines.push("|---|---|");
    lines.push(`| before | ${fmt(idleRss, 0)} MB |`);
    lines.push(`| with ${streams} open streams | ${fmt(peakRss, 0)} MB (${fmt(((peakRss - idleRss) * 1024) / streams, 1)} KB per stream) |`);
    console.log(lines.join("\n"));
    await direct.close();
    await viaGateway.close();
  } finally {
    gateway.kill("SIGTERM");
    fake.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
