import { expect, test, type APIRequestContext } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { adminHeaders, createKey, fakeRequests, ledgerRow, sseData } from "../support/gateway-client";

// Model groups against the built app: a fake OpenAI-compatible upstream that fails, rate-limits with Retry-After,
// answers slowly and overflows its context, each chosen by the upstream model (e2e/fakes/routing-fake.ts).
let fake: FakeUpstream;
let key: string;
let connectionId: string;
const suffix = Date.now().toString(36);
const name = (base: string) => `${base}-${suffix}`;
const groupIds: Record<string, string> = {};

async function addModel(request: APIRequestContext, connectionId: string, model: string, upstream: string, contextWindow = 128_000) {
  const response = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: name(model), connection_id: connectionId, upstream_model: upstream, context_window: contextWindow, price: { input: "1", output: "2" } } });
  expect(response.status(), await response.text()).toBe(201);
}
async function addGroup(request: APIRequestContext, group: string, definition: Record<string, unknown>) {
  const response = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: name(group), ...definition } });
  expect(response.status(), await response.text()).toBe(201);
  groupIds[group] = (await response.json()).id;
}
const deployment = (id: string, model: string, priority = 0) => ({ id, model: name(model), priority });

test.beforeAll(async ({ request }) => {
  fake = await startRoutingFake();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: name("routing-fake"), base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  expect(connection.status()).toBe(201);
  connectionId = (await connection.json()).id;
  for (const [model, upstream, window] of [
    ["r-broken", `fail-${suffix}`],
    ["r-healthy", `ok-${suffix}`],
    ["r-limited", `ratelimit-${suffix}`],
    ["r-small", `small-${suffix}`, 4096],
    ["r-large", `ok-large-${suffix}`, 200_000],
    ["r-slow", `slow-${suffix}`],
    ["r-switch-a", `ok-a-${suffix}`],
    ["r-switch-b", `ok-b-${suffix}`],
  ] as const) {
    await addModel(request, connectionId, model, upstream, window);
  }
  await addGroup(request, "failover", { strategy: "priority", deployments: [deployment("first", "r-broken"), deployment("second", "r-healthy", 1)] });
  await addGroup(request, "rate", { strategy: "priority", deployments: [deployment("only", "r-limited")], retry: { max_attempts: 2, max_delay_ms: 2000 } });
  await addGroup(request, "overflow", { strategy: "priority", deployments: [deployment("small", "r-small"), deployment("large", "r-large", 1)] });
  await addGroup(request, "slow", { strategy: "priority", deployments: [deployment("slow", "r-slow"), deployment("fast", "r-healthy", 1)] });
  await addGroup(request, "switch", { strategy: "priority", deployments: [deployment("a", "r-switch-a"), deployment("b", "r-switch-b", 1)] });
  key = (await createKey(request)).key;
  // The groups reach the gateway's snapshot through the change notification.
  await expect.poll(async () => (await chat(request, "switch")).status(), { timeout: 5000 }).toBe(200);
});
test.afterAll(async () => {
  await fake?.close();
});

function chat(request: APIRequestContext, group: string, extra: Record<string, unknown> = {}) {
  return request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: name(group), messages: [{ role: "user", content: "hi" }], ...extra } });
}
async function traceOf(request: APIRequestContext, requestId: string) {
  const row = await ledgerRow(request, requestId);
  return row.routing as { group: string; chosen?: string; summary: string; candidates: { deployment: string; excluded?: string }[]; attempts: { deployment: string; outcome: string; reason: string; delayMs: number; error?: { kind: string; status?: number; code?: string } }[] };
}

test("a 500 from the first deployment fails over to the second; the headers and the ledger's trace explain it", async ({ request }) => {
  const response = await chat(request, "failover");
  expect(response.status()).toBe(200);
  expect((await response.json()).choices[0].message.content).toBe(`Served by ok-${suffix}.`);
  expect(response.headers()).toMatchObject({ "x-modelgate-deployment": "second", "x-modelgate-attempts": "2", "x-modelgate-route": `${name("failover")}@v1` });
  const trace = await traceOf(request, response.headers()["x-request-id"]);
  expect(trace.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.error?.status ?? null])).toEqual([
    ["first", "error", 500],
    ["second", "success", null],
  ]);
  expect(trace.attempts[1].reason).toBe("fallback after first: transient");
  expect(trace.summary).toBe(`served by second (${name("r-healthy")}) on attempt 2`);
});

test("a stream fails over before its first event reaches the client, and ends with [DONE]", async ({ request }) => {
  const response = await chat(request, "failover", { stream: true });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-modelgate-deployment"]).toBe("second");
  const data = sseData(await response.text());
  expect(data.at(-1)).toBe("[DONE]");
  expect(data.slice(0, -1).map((payload) => JSON.parse(payload).choices[0]?.delta?.content ?? "").join("")).toBe(`Served by ok-${suffix}.`);
});

test("a 429 is retried after its Retry-After, then the provider's 429 reaches the caller in the OpenAI shape", async ({ request }) => {
  const started = Date.now();
  const response = await chat(request, "rate");
  expect(response.status()).toBe(429);
  expect((await response.json()).error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  const trace = await traceOf(request, response.headers()["x-request-id"]);
  expect(trace.attempts.map((attempt) => [attempt.delayMs, attempt.error?.status])).toEqual([
    [0, 429],
    [1000, 429],
  ]);
  const sent = (await fakeRequests(fake.url)).filter((entry) => entry.body.model === `ratelimit-${suffix}`);
  expect(sent).toHaveLength(2);
});

test("context overflow on the small model goes to the larger one; a prompt over every window is refused before any call", async ({ request }) => {
  const response = await chat(request, "overflow");
  expect(response.status()).toBe(200);
  expect((await response.json()).choices[0].message.content).toBe(`Served by ok-large-${suffix}.`);
  const trace = await traceOf(request, response.headers()["x-request-id"]);
  expect(trace.attempts.map((attempt) => attempt.error?.code ?? "ok")).toEqual(["context_length_exceeded", "ok"]);
  const tooLarge = await chat(request, "overflow", { max_tokens: 500_000 });
  expect(tooLarge.status()).toBe(400);
  expect((await tooLarge.json()).error).toMatchObject({ code: "context_length_exceeded", param: "messages" });
});

test("a first token slower than the limit times the attempt out and the stream is served by the next deployment", async ({ request }) => {
  const response = await chat(request, "slow", { stream: true });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-modelgate-deployment"]).toBe("fast");
  expect(sseData(await response.text()).at(-1)).toBe("[DONE]");
  const trace = await traceOf(request, response.headers()["x-request-id"]);
  expect(trace.attempts[0]).toMatchObject({ deployment: "slow", outcome: "error", error: { kind: "timeout", code: "timeout_first_token" } });
});

test("a provider made to fail at run time: traffic moves to the next deployment", async ({ request }) => {
  expect((await chat(request, "switch")).headers()["x-modelgate-deployment"]).toBe("a");
  await fetch(`${fake.url}/__fake/mode`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: `ok-a-${suffix}`, mode: "fail" }) });
  const response = await chat(request, "switch");
  expect(response.status()).toBe(200);
  expect(response.headers()).toMatchObject({ "x-modelgate-deployment": "b", "x-modelgate-attempts": "2" });
});

test("groups are versioned: a change is a new version, and restoring an old one makes it current again", async ({ request }) => {
  const id = groupIds.failover;
  const patched = await request.patch(`/api/admin/groups/${id}`, { headers: adminHeaders(), data: { strategy: "weighted" } });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toMatchObject({ version: 2, definition: { strategy: "weighted" } });
  const restored = await request.post(`/api/admin/groups/${id}/restore`, { headers: adminHeaders(), data: { version: 1 } });
  expect(await restored.json()).toMatchObject({ version: 3, definition: { strategy: "priority" } });
  const versions = await (await request.get(`/api/admin/groups/${id}/versions`, { headers: adminHeaders() })).json();
  expect(versions.map((version: { version: number; note: string }) => [version.version, version.note])).toEqual([
    [3, "restored version 1"],
    [2, "updated"],
    [1, "created"],
  ]);
  const audit = await (await request.get(`/api/admin/audit?target_id=${id}`, { headers: adminHeaders() })).json();
  expect(JSON.stringify(audit)).toContain("model_group.restore");
});

test.describe("admin API refusals name the field", () => {
  const cases: [string, Record<string, unknown>, number, string | null][] = [
    ["no deployments", { name: "g-empty", deployments: [] }, 400, "deployments"],
    ["an unknown strategy", { name: "g-strategy", strategy: "random", deployments: [{ id: "a", model: "x" }] }, 400, "strategy"],
    ["a deployment on no model", { name: "g-unknown", deployments: [{ id: "a", model: "no-such-model" }] }, 400, "deployments.0.model"],
  ];
  for (const [label, body, status, param] of cases) {
    test(`${label} → ${status} ${param}`, async ({ request }) => {
      const response = await request.post("/api/admin/groups", { headers: adminHeaders(), data: body });
      expect(response.status()).toBe(status);
      const error = (await response.json()).error;
      expect(error.param).toBe(param);
      expect(error.message).not.toMatch(/select|insert|stack/i);
    });
  }
});

test("a 50/50 experiment: draft, started, each end user sticks to a variant named in x-modelgate-variant, results per variant", async ({ request }) => {
  const created = await request.post("/api/admin/experiments", {
    headers: adminHeaders(),
    data: { name: name("ab"), model: name("switch"), variants: [{ name: "control", weight: 50, target: name("switch") }, { name: "large", weight: 50, target: name("r-large") }] },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).id;
  expect((await chat(request, "switch", { user: "nobody-yet" })).headers()["x-modelgate-variant"]).toBeUndefined();
  expect((await request.post(`/api/admin/experiments/${id}/status`, { headers: adminHeaders(), data: { status: "running" } })).status()).toBe(200);
  await expect.poll(async () => (await chat(request, "switch", { user: "probe" })).headers()["x-modelgate-variant"], { timeout: 5000 }).toBeDefined();
  const variants = new Map<string, string>();
  for (let user = 0; user < 16; user++) {
    const response = await chat(request, "switch", { user: `ab-user-${user}` });
    expect(response.status()).toBe(200);
    const variant = response.headers()["x-modelgate-variant"];
    expect((await chat(request, "switch", { user: `ab-user-${user}` })).headers()["x-modelgate-variant"]).toBe(variant);
    variants.set(`ab-user-${user}`, variant);
  }
  expect(new Set(variants.values())).toEqual(new Set(["control", "large"]));
  await expect
    .poll(async () => {
      const results = (await (await request.get(`/api/admin/experiments/${id}`, { headers: adminHeaders() })).json()).results as { variant: string; requests: number }[];
      return results.reduce((sum, entry) => sum + entry.requests, 0);
    }, { timeout: 5000 })
    .toBeGreaterThanOrEqual(33);
  const results = (await (await request.get(`/api/admin/experiments/${id}`, { headers: adminHeaders() })).json()).results;
  expect(results.map((entry: { variant: string }) => entry.variant)).toEqual(["control", "large"]);
  expect(results[1]).toMatchObject({ target: name("r-large"), errors: 0, errorRate: 0, costPerRequestUsd: "0.000035000000" });
  expect((await request.post(`/api/admin/experiments/${id}/status`, { headers: adminHeaders(), data: { status: "stopped" } })).status()).toBe(200);
});

test("an opened circuit shows on GET /metrics as modelgate_circuit_breaker_state 2 for its group and deployment", async ({ request }) => {
  // A model of its own: a circuit belongs to the catalog model, and r-broken's is shared with the other groups.
  await addModel(request, connectionId, "r-gauge-broken", `fail-gauge-${suffix}`);
  await addGroup(request, "gauge", { strategy: "priority", deployments: [deployment("broken", "r-gauge-broken"), deployment("healthy", "r-healthy", 1)], circuit: { failure_threshold: 2, cooldown_ms: 60_000 } });
  await expect.poll(async () => (await chat(request, "gauge")).status(), { timeout: 5000 }).toBe(200);
  await chat(request, "gauge");
  const gauge = async () => {
    const body = await (await request.get("/metrics", { headers: { authorization: adminHeaders().authorization } })).text();
    const line = body.split("\n").find((text) => text.startsWith("modelgate_circuit_breaker_state{") && text.includes(`group="${name("gauge")}"`) && text.includes('deployment="broken"'));
    return line ? Number(line.split(" ").at(-1)) : null;
  };
  await expect.poll(gauge, { timeout: 5000 }).toBe(2);
});
