/**
 * npm run bench:cache — what the response cache costs and saves, side by side, Redis and PostgreSQL stores:
 *   added latency of a hit (p50 / p99, ms): a cache hit through the gateway (node transport, in-process, the real
 *     pipeline: auth, policy, admission, lookup, replay) minus a direct call to the OpenAI fake with the same body
 *     (target: ≤ 1 ms added);
 *   CPU per lookup on a miss (ms): answerFromCache on a request that is not stored (normalization, SHA-256, one store
 *     round trip; target ≤ 0.1 ms), and the normalization + hash alone.
 * Loopback only: the fake on a random port, REDIS_URL (default redis://127.0.0.1:6379, a unique prefix, deleted at the
 * end) and a fresh database on the local PostgreSQL (TEST_DATABASE_URL, dropped at the end).
 * BENCH_REQUESTS sequential requests per figure, BENCH_ROUNDS rounds, each figure the median of its rounds.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { request as undiciRequest } from "undici";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { startFakeOpenAI, FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { issueToken } from "@/server/crypto/tokens";
import { adapters } from "@/server/providers";
import { computeCacheKey } from "@/server/gateway/cache/cache-key";
import type { CacheStore } from "@/server/gateway/cache/cache-store";
import { createPostgresCacheStore } from "@/server/gateway/cache/postgres-store";
import { createRedisCacheStore } from "@/server/gateway/cache/redis-store";
import { answerFromCache } from "@/server/gateway/cache/response-cache";
import { createStaticConfigSource, type KeyEntry, type ModelEntry } from "@/server/gateway/config/config-source";
import type { GatewayDeps } from "@/server/gateway/deps";
import { openaiInbound } from "@/server/gateway/inbound/openai";
import { newRecord } from "@/server/gateway/ledger";
import { assertLocalRedis, deleteRedisKeys, uniquePrefix } from "@/server/gateway/rate-limit/test-redis";
import { createNodeHandler } from "@/server/gateway/transports/node";
import { createUpstreamClient } from "@/server/gateway/upstream";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
assertLocalRedis(REDIS_URL);
const ORG = "00000000-0000-4000-8000-00000000cace";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** A realistic ~1 KB chat body: a system prompt, a few-shot pair and the question. */
function chatBody(question: string): string {
  return JSON.stringify({
    model: "mini",
    temperature: 0,
    messages: [
      { role: "system", content: "You are a support assistant for an online shop. Answer in two sentences at most, politely, and never invent order numbers. ".repeat(4) },
      { role: "user", content: "Where is my parcel?" },
      { role: "assistant", content: "I am sorry for the wait. Could you give me your order number so I can look it up?" },
      { role: "user", content: question },
    ],
  });
}

async function timeCalls(url: string, headers: Record<string, string>, body: string): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < REQUESTS; index++) {
    const started = performance.now();
    const response = await undiciRequest(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    await response.body.text();
    times.push(performance.now() - started);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
  }
  return times.sort((a, b) => a - b);
}

async function startGateway(key: KeyEntry, model: ModelEntry, store: CacheStore) {
  const upstream = createUpstreamClient({ connectMs: 2000, firstByteMs: 5000, idleMs: 5000 }, "*");
  const deps: GatewayDeps = {
    config: createStaticConfigSource({ keys: [key], models: [model] }),
    usage: { record: () => {} },
    upstream,
    adapters,
    responseCache: store,
    options: { maxRetries: 0, maxRetryAfterMs: 0, firstTokenTimeoutMs: 5000, totalTimeoutMs: 30_000, logPrompts: false },
  };
  const handler = createNodeHandler(async () => deps, { maxBodyBytes: 1024 * 1024, bodyTimeoutMs: 5000 });
  const server = http.createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    deps,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    },
  };
}

/** CPU (ms) per answerFromCache call on requests that are not stored: the whole miss path of the lookup. */
async function missCpu(deps: GatewayDeps, key: KeyEntry): Promise<number> {
  const requests = Array.from({ length: REQUESTS }, (_, index) => JSON.parse(chatBody(`miss ${index} ${crypto.randomUUID()}`)));
  const lookup = { request: { header: () => undefined, signal: new AbortController().signal }, format: openaiInbound, target: "model:bench:gpt-4o-mini" };
  const before = process.cpuUsage();
  for (const chatRequest of requests) {
    const record = newRecord("req_bench", key, "/v1/chat/completions");
    if (await answerFromCache(deps, record, { ...lookup, chatRequest })) throw new Error("a miss was expected");
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / REQUESTS;
}

function hashCpu(): number {
  const requests = Array.from({ length: REQUESTS }, (_, index) => JSON.parse(chatBody(`hash ${index}`)));
  const before = process.cpuUsage();
  for (const chatRequest of requests) computeCacheKey({ orgId: ORG, endpoint: "/v1/chat/completions", target: "model:bench:gpt-4o-mini" }, chatRequest);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / REQUESTS;
}

async function main() {
  const fake = await startFakeOpenAI();
  const database = await createTestDatabase();
  const prefix = uniquePrefix();
  const stores: Record<"redis" | "postgres", CacheStore> = {
    redis: createRedisCacheStore({ url: REDIS_URL, prefix, commandTimeoutMs: 1000 }),
    postgres: createPostgresCacheStore(database.handle.db, { raw: database.handle.raw }),
  };
  const issued = issueToken("vk");
  const key: KeyEntry = { id: crypto.randomUUID(), orgId: ORG, teamId: null, name: "bench", prefix: issued.prefix, hash: issued.hash, allowedModels: null, expiresAt: null, cache: { scope: "org", ttlSeconds: 3600 } };
  const model: ModelEntry = {
    id: "bench",
    orgId: ORG,
    name: "mini",
    upstreamModel: "gpt-4o-mini",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    region: null,
    createdAt: Date.now(),
    connection: { id: crypto.randomUUID(), orgId: ORG, kind: "openai", name: "fake", baseUrl: `${fake.url}/v1`, apiKey: FAKE_OPENAI_API_KEY, trusted: true, region: null },
    prices: [{ id: crypto.randomUUID(), effectiveFrom: 0, inputPerMtok: "0.15", outputPerMtok: "0.60", cachedInputPerMtok: null, cacheWritePerMtok: null }],
  };
  const direct = chatBody("Is my parcel lost?").replace('"model":"mini"', '"model":"gpt-4o-mini"');
  const results: Record<string, { directP50: number; hitP50: number; hitP99: number; directP99: number; missCpu: number }[]> = { redis: [], postgres: [] };
  const gateways = { redis: await startGateway(key, model, stores.redis), postgres: await startGateway(key, model, stores.postgres) };
  for (const kind of ["redis", "postgres"] as const) {
    const body = chatBody(`Is my parcel lost? (${kind})`);
    const first = await undiciRequest(gateways[kind].url, { method: "POST", headers: { authorization: `Bearer ${issued.token}`, "content-type": "application/json" }, body });
    if (first.headers["x-modelgate-cache"] !== "miss") throw new Error(`${kind}: the first request should miss`);
    await first.body.text();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ["redis", "postgres"] as const) {
      const fakeTimes = await timeCalls(`${fake.url}/v1/chat/completions`, { authorization: `Bearer ${FAKE_OPENAI_API_KEY}` }, direct);
      const hitTimes = await timeCalls(gateways[kind].url, { authorization: `Bearer ${issued.token}` }, chatBody(`Is my parcel lost? (${kind})`));
      results[kind].push({ directP50: percentile(fakeTimes, 0.5), directP99: percentile(fakeTimes, 0.99), hitP50: percentile(hitTimes, 0.5), hitP99: percentile(hitTimes, 0.99), missCpu: await missCpu(gateways[kind].deps, key) });
      fake.received.length = 0;
    }
  }
  const hash = median(Array.from({ length: ROUNDS }, hashCpu));
  const fmt = (value: number) => value.toFixed(3).padStart(8);
  console.log(`response cache, ${REQUESTS} sequential requests × ${ROUNDS} rounds (medians), ~1 KB chat body, loopback`);
  console.log("store      direct fake p50/p99 (ms)   cache hit p50/p99 (ms)   added p50 (ms)   miss lookup CPU (ms/request)");
  for (const kind of ["redis", "postgres"] as const) {
    const rows = results[kind];
    const [dp50, dp99, hp50, hp99, cpu] = [median(rows.map((row) => row.directP50)), median(rows.map((row) => row.directP99)), median(rows.map((row) => row.hitP50)), median(rows.map((row) => row.hitP99)), median(rows.map((row) => row.missCpu))];
    console.log(`${kind.padEnd(10)} ${fmt(dp50)} / ${fmt(dp99)}        ${fmt(hp50)} / ${fmt(hp99)}      ${fmt(hp50 - dp50)}        ${fmt(cpu)}`);
  }
  console.log(`normalization + SHA-256 alone: ${hash.toFixed(4)} ms CPU per request`);
  console.log("targets: added latency of a hit ≤ 1 ms; miss lookup CPU ≤ 0.1 ms");
  for (const gateway of Object.values(gateways)) await gateway.close();
  for (const store of Object.values(stores)) await store.stop();
  await deleteRedisKeys([prefix]);
  await fake.close();
  await database.drop();
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
