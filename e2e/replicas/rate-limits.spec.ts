import { expect, test } from "@playwright/test";
import type { RoundRobin } from "../support/round-robin";
import { startCluster, within, type Cluster, type ModelgateProcess, type TestDatabase } from "../support/replicas";

/**
 * Issue 9's rate limits across replicas: 3 gateway-only replicas sharing the machine's Redis (REDIS_URL) and a
 * console on one PostgreSQL, behind a round-robin balancer. A limit set in the console holds exactly over
 * all three, and concurrency slots are shared and freed by the replica that held them.
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const ADMIN_KEY = "limits-admin-key-0123456789abcdef";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let database: TestDatabase;
let console_: ModelgateProcess;
let replicas: ModelgateProcess[] = [];
let balancer: RoundRobin;

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${console_.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

function chat(url: string, key: string, content = "hello", signal?: AbortSignal) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: content.includes("[[fake:slow]]"), messages: [{ role: "user", content }] }),
    signal,
  });
}

/** A key with its limit; resolves once every replica enforces it (seen through a probe key limited in a later change). */
async function limitedKey(name: string, limit: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const created = (await admin("/api/admin/keys", { name })) as { id: string; key: string };
  const probe = (await admin("/api/admin/keys", { name: `${name}-probe` })) as { id: string; key: string };
  await admin("/api/admin/rate-limits", { scope: "key", scope_id: created.id, ...limit });
  await admin("/api/admin/rate-limits", { scope: "key", scope_id: probe.id, rpm: 100_000 });
  for (const replica of replicas) {
    await within(10_000, async () => {
      const response = await chat(replica.url, probe.key);
      await response.body?.cancel();
      return response.headers.get("x-ratelimit-limit-requests") === "100000";
    });
  }
  return created;
}

let cluster: Cluster;

test.beforeAll(async () => {
  cluster = await startCluster({ label: "limits", adminKey: ADMIN_KEY, portOffset: 10, gatewaySettings: { REDIS_URL, SHUTDOWN_TIMEOUT_MS: "2000" } });
  ({ database, console: console_, replicas, balancer } = cluster);
});

test.afterAll(async () => {
  await cluster?.stop();
});

test("every replica registers that it shares limits through Redis", async () => {
  const limiters = async () => (await database.sql<{ limiter: string }[]>`select limiter from gateway_instances`).map((row) => row.limiter);
  await within(5_000, async () => (await limiters()).length === 3);
  expect(await limiters()).toEqual(["redis", "redis", "redis"]);
});

test("rpm 10 holds exactly across 3 replicas: of 30 parallel requests 10 are admitted, each answer with its headers", async () => {
  const { key } = await limitedKey("rpm", { rpm: 10 });
  const before = new Map(balancer.served);
  const responses = await Promise.all(Array.from({ length: 30 }, () => chat(balancer.url, key)));
  const statuses = responses.map((response) => response.status);
  expect(statuses.filter((status) => status === 200)).toHaveLength(10);
  expect(statuses.filter((status) => status === 429)).toHaveLength(20);
  for (const response of responses) {
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("10");
    if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  }
  const remaining = responses.filter((response) => response.status === 200).map((response) => Number(response.headers.get("x-ratelimit-remaining-requests")));
  expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const replica of replicas) expect((balancer.served.get(replica.url) ?? 0) - (before.get(replica.url) ?? 0)).toBeGreaterThanOrEqual(9);
  await Promise.all(responses.map((response) => response.text()));
});

test("concurrency 2 is shared by the replicas; a client abort on one frees its slot for the others", async () => {
  const { key } = await limitedKey("slots", { concurrency: 2 });
  const leaving = [new AbortController(), new AbortController()];
  const held = await Promise.all([0, 1].map((index) => chat(replicas[index].url, key, "[[fake:slow]]", leaving[index].signal)));
  expect(held.map((response) => response.status)).toEqual([200, 200]);
  const refused = await chat(replicas[2].url, key);
  expect(refused.status).toBe(429);
  expect((await refused.json()).error.message).toContain("concurrent requests");
  leaving[0].abort();
  await within(5_000, async () => {
    const response = await chat(replicas[2].url, key);
    await response.text();
    return response.status === 200;
  });
  leaving[1].abort();
});
