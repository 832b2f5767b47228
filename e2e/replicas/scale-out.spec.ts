import { expect, test } from "@playwright/test";
import type { RoundRobin } from "../support/round-robin";
import { startCluster, within, type Cluster, type ModelgateProcess, type TestDatabase } from "../support/replicas";

/**
 * Issue 8's scale-out proof: 3 gateway-only replicas and 1 console process on one PostgreSQL, behind a
 * round-robin load balancer. Keys made in the console reach every replica, revocations too; 1,000 requests
 * over the replicas are 1,000 ledger rows with exact costs; SIGTERM on a replica under load loses no row and
 * ends no stream in a way that looks complete when it is not.
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const ADMIN_KEY = "replica-admin-key-0123456789abcdef";
// The fake's fixed usage (21 in, 7 out) at gpt-4o-mini's catalog prices ($0.15 / $0.60 per 1M tokens).
const COST_PER_REQUEST = "0.000007350000";

let database: TestDatabase;
let console_: ModelgateProcess;
let replicas: ModelgateProcess[] = [];
let balancer: RoundRobin;

async function createKey(name: string): Promise<{ id: string; key: string }> {
  const response = await fetch(`${console_.url}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name }) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

function chat(url: string, key: string, options: { stream?: boolean; content?: string } = {}) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: options.stream ?? false, messages: [{ role: "user", content: options.content ?? "hello" }] }),
  });
}

/** Reads a whole answer; for a stream, whether it ended with [DONE] (complete) and how many content deltas it had. */
async function readAnswer(response: Response): Promise<{ status: number; requestId: string | null; complete: boolean; deltas: number }> {
  const requestId = response.headers.get("x-request-id");
  let text = "";
  try {
    text = await response.text();
  } catch {
    return { status: response.status, requestId, complete: false, deltas: 0 };
  }
  if (!(response.headers.get("content-type") ?? "").includes("event-stream")) return { status: response.status, requestId, complete: response.status === 200 && text.includes('"finish_reason":"stop"'), deltas: 0 };
  const complete = text.trimEnd().endsWith("data: [DONE]") && !text.includes('"error"');
  return { status: response.status, requestId, complete, deltas: (text.match(/"content":"[^"]+"/g) ?? []).length };
}

async function ledgerRows(keyId: string) {
  return database.sql<{ id: string; cost_usd: string; status: string }[]>`select id, cost_usd::text, status from usage_ledger where key_id = ${keyId}`;
}

/** Runs `total` requests through the balancer, `concurrency` at a time; every third one streams. */
async function load(key: string, total: number, concurrency: number, onProgress?: (done: number) => void) {
  const answers: Awaited<ReturnType<typeof readAnswer>>[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        const index = started++;
        answers.push(await readAnswer(await chat(balancer.url, key, { stream: index % 3 === 0 })));
        onProgress?.(answers.length);
      }
    }),
  );
  return answers;
}

let cluster: Cluster;

test.beforeAll(async () => {
  cluster = await startCluster({ label: "replicas", adminKey: ADMIN_KEY, portOffset: 0, gatewaySettings: { SHUTDOWN_DELAY_MS: "1000", SHUTDOWN_TIMEOUT_MS: "20000" } });
  ({ database, console: console_, replicas, balancer } = cluster);
});

test.afterAll(async () => {
  await cluster?.stop();
});

test("each role serves only its own side", async () => {
  const consoleV1 = await fetch(`${console_.url}/v1/models`);
  expect(consoleV1.status).toBe(404);
  expect((await consoleV1.json()).error.message).toContain("MODELGATE_ROLE=console");
  const gatewayLogin = await fetch(`${replicas[0].url}/login`);
  expect(gatewayLogin.status).toBe(404);
  expect((await gatewayLogin.json()).error.message).toContain("MODELGATE_ROLE=gateway");
  expect((await fetch(`${replicas[0].url}/api/admin/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(404);
});

test("a key made in the console works on every replica within seconds, and a revoked one stops everywhere", async () => {
  const { id, key } = await createKey("spread");
  for (const replica of replicas) {
    const took = await within(5_000, async () => (await fetch(`${replica.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status === 200);
    expect(took).toBeLessThan(5_000);
  }
  const revoked = await fetch(`${console_.url}/api/admin/keys/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(revoked.status).toBe(200);
  for (const replica of replicas) {
    await within(5_000, async () => (await fetch(`${replica.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status === 401);
  }
});

test("1,000 requests over 3 replicas are exactly 1,000 ledger rows with exact costs", async () => {
  const { id, key } = await createKey("thousand");
  await within(5_000, async () => (await chat(replicas[2].url, key)).status === 200);
  await within(5_000, async () => (await ledgerRows(id)).length === 1);
  const before = new Map(balancer.served);
  const answers = await load(key, 1_000, 24);
  expect(answers.filter((answer) => answer.status === 200 && answer.complete)).toHaveLength(1_000);
  for (const replica of replicas) expect(balancer.served.get(replica.url)! - before.get(replica.url)!).toBeGreaterThanOrEqual(300);
  await within(10_000, async () => (await ledgerRows(id)).length >= 1_001);
  const rows = await ledgerRows(id);
  expect(rows).toHaveLength(1_001);
  const ids = new Set(rows.map((row) => row.id));
  for (const answer of answers) expect(ids.has(answer.requestId!)).toBe(true);
  expect(rows.every((row) => row.status === "success" && row.cost_usd === COST_PER_REQUEST)).toBe(true);
  const [{ total }] = await database.sql<{ total: string }[]>`select sum(cost_usd)::text as total from usage_ledger where key_id = ${id}`;
  expect(total).toBe("0.007357350000");
});

test("SIGTERM on a replica under load: readiness drops first, in-flight streams finish, no row is lost", async () => {
  const { id, key } = await createKey("drain");
  const victim = replicas[1];
  await within(5_000, async () => (await chat(victim.url, key)).status === 200);
  // Long streams (100 deltas, 10 s) opened on the victim itself are in flight when it is told to stop.
  const slow = Array.from({ length: 3 }, () => chat(victim.url, key, { stream: true, content: "count [[fake:slow]]" }).then(readAnswer));
  await new Promise((resolve) => setTimeout(resolve, 500));
  let signalled = false;
  let readyAfterSignal: number | undefined;
  let healthAfterSignal: number | undefined;
  const answers = load(key, 600, 24, (done) => {
    if (done < 150 || signalled) return;
    signalled = true;
    victim.child.kill("SIGTERM");
    void (async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      readyAfterSignal = (await fetch(`${victim.url}/api/ready`)).status;
      healthAfterSignal = (await fetch(`${victim.url}/api/health`)).status;
    })();
  });
  const [loadAnswers, slowAnswers] = await Promise.all([answers, Promise.all(slow)]);
  expect(signalled).toBe(true);
  expect(readyAfterSignal).toBe(503);
  expect(healthAfterSignal).toBe(200);
  expect(await victim.exited).toBe(0);
  for (const answer of slowAnswers) expect(answer).toMatchObject({ status: 200, complete: true, deltas: 100 });
  expect(loadAnswers.filter((answer) => !(answer.status === 200 && answer.complete))).toEqual([]);
  const served = [...loadAnswers, ...slowAnswers].map((answer) => answer.requestId!);
  await within(10_000, async () => (await ledgerRows(id)).length >= served.length + 1);
  const rows = await ledgerRows(id);
  expect(rows).toHaveLength(served.length + 1);
  const ids = new Set(rows.map((row) => row.id));
  for (const requestId of served) expect(ids.has(requestId)).toBe(true);
  expect(rows.filter((row) => row.status !== "success")).toEqual([]);
});
