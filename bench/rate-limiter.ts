/**
 * npm run bench:rate-limits — what rate limiting adds to one request, in-process vs Redis, side by side:
 *   admission latency (p50 / p99, µs): admitRequest with a key limit of rpm + tpm + concurrency (three checks,
 *     one Lua call on Redis), the only part on the response path;
 *   CPU per request (µs): admission + settlement (the settlement runs after the answer, but costs CPU all the same);
 *   throughput at 64 requests in flight (admissions + settlements per second).
 * "no limits" is the same call for an org without limits (what every request pays once limiting exists).
 * Loopback only (REDIS_URL, default redis://127.0.0.1:6379), a unique key prefix, its keys deleted at the end.
 * Limiters take turns, BENCH_ROUNDS rounds of BENCH_REQUESTS each, and each figure is the median of its rounds.
 */
import { performance } from "node:perf_hooks";
import { createStaticConfigSource, type KeyEntry } from "@/server/gateway/config/config-source";
import type { GatewayDeps } from "@/server/gateway/deps";
import { newRecord } from "@/server/gateway/ledger";
import { admitRequest } from "@/server/gateway/rate-limit/admit";
import type { RateLimiter } from "@/server/gateway/rate-limit/limiter";
import { createMemoryRateLimiter } from "@/server/gateway/rate-limit/memory-limiter";
import { createRedisRateLimiter } from "@/server/gateway/rate-limit/redis-limiter";
import type { RateLimitEntry } from "@/server/gateway/rate-limit/rules";
import { assertLocalRedis, deleteRedisKeys, uniquePrefix } from "@/server/gateway/rate-limit/test-redis";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
assertLocalRedis(REDIS_URL);

const ORG = "00000000-0000-4000-8000-00000000beef";
const key: KeyEntry = { id: crypto.randomUUID(), orgId: ORG, teamId: null, name: "bench", prefix: "bench", hash: "", allowedModels: null, expiresAt: null };
// Large enough that nothing is refused: every request pays the full admission and settlement.
const limits: RateLimitEntry[] = [{ id: crypto.randomUUID(), orgId: ORG, scope: "key", scopeId: key.id, rpm: 100_000_000, tpm: 2_000_000_000, concurrency: 100_000, failMode: "open" }];

interface Figures {
  p50: number;
  p99: number;
  cpu: number;
  throughput: number;
}

function depsFor(limiter: RateLimiter, withLimits: boolean): GatewayDeps {
  return { config: createStaticConfigSource({ keys: [key], models: [], rateLimits: withLimits ? limits : [] }), rateLimiter: limiter } as unknown as GatewayDeps;
}

let counter = 0;
async function oneRequest(deps: GatewayDeps): Promise<number> {
  const record = newRecord(`req_${++counter}`, key, "/v1/chat/completions");
  const started = performance.now();
  const admitted = await admitRequest(deps, record, { endUser: null, estimatedTokens: 120 });
  const took = performance.now() - started;
  if (!admitted.ok) throw new Error("bench limits must admit everything");
  record.rateLimit?.settle(95);
  return took;
}

async function round(deps: GatewayDeps, limiter: RateLimiter): Promise<Figures> {
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < REQUESTS; index++) latencies.push(await oneRequest(deps));
  await drain(limiter);
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next++ < REQUESTS) await oneRequest(deps);
  }));
  await drain(limiter);
  const seconds = (performance.now() - started) / 1000;
  return { p50: latencies[Math.floor(REQUESTS / 2)] * 1000, p99: latencies[Math.floor(REQUESTS * 0.99)] * 1000, cpu: (cpu.user + cpu.system) / REQUESTS, throughput: REQUESTS / seconds };
}

/** Settlements run in the background: one more round trip on the same connection waits for them (FIFO). */
async function drain(limiter: RateLimiter): Promise<void> {
  if (limiter.kind === "redis") await limiter.admit({ leaseId: "drain", estimatedTokens: 0, checks: [] });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const prefix = uniquePrefix();
  const memory = createMemoryRateLimiter();
  const redis = createRedisRateLimiter({ url: REDIS_URL, prefix, commandTimeoutMs: 2000 });
  const cases = [
    { label: "no limits (in-process)", deps: depsFor(memory, false), limiter: memory },
    { label: "in-process limiter", deps: depsFor(memory, true), limiter: memory },
    { label: "Redis limiter (1 Lua call)", deps: depsFor(redis, true), limiter: redis },
  ];
  for (const each of cases) await round(each.deps, each.limiter); // warm-up: JIT, the connection, the script cache
  const results = cases.map(() => [] as Figures[]);
  for (let index = 0; index < ROUNDS; index++) for (const [position, each] of cases.entries()) results[position].push(await round(each.deps, each.limiter));
  console.log(`rate limiter benchmark — ${new Date().toISOString()} — node ${process.version}, ${ROUNDS} rounds × ${REQUESTS} requests, medians; key limit: rpm + tpm + concurrency\n`);
  console.log("| per request | admission p50 | admission p99 | CPU (admit + settle) | throughput, 64 in flight |");
  console.log("|---|---|---|---|---|");
  for (const [position, each] of cases.entries()) {
    const figures = results[position];
    const pick = (name: keyof Figures) => median(figures.map((figure) => figure[name]));
    console.log(`| ${each.label} | ${pick("p50").toFixed(1)} µs | ${pick("p99").toFixed(1)} µs | ${pick("cpu").toFixed(1)} µs | ${Math.round(pick("throughput"))} req/s |`);
  }
  await Promise.all([memory.stop(), redis.stop()]);
  await deleteRedisKeys([prefix]);
}

await main();
