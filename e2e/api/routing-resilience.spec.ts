import { expect, test, type APIRequestContext } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { adminHeaders, createKey, fakeRequests, ledgerRow, sseData } from "../support/gateway-client";

// A group's per-attempt timeouts and the billed attempts' child rows against the built app, with the routing fake
// (e2e/fakes/routing-fake.ts): stall-* is silent after its headers for [[stall:MS]], slow-* answers after [[wait:MS]],
// usagefail-* streams a usage chunk and then an error chunk. The gateway here runs with UPSTREAM_IDLE_TIMEOUT_MS 1500
// and UPSTREAM_FIRST_TOKEN_TIMEOUT_MS 3000 (e2e/support/global-setup.ts).
let fake: FakeUpstream;
let key: string;
const suffix = `${Date.now().toString(36)}r2`;
const name = (base: string) => `${base}-${suffix}`;

async function addModel(request: APIRequestContext, connectionId: string, model: string, upstream: string) {
  const response = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: name(model), connection_id: connectionId, upstream_model: upstream, price: { input: "1", output: "2" } } });
  expect(response.status(), await response.text()).toBe(201);
}
async function addGroup(request: APIRequestContext, group: string, first: string, timeouts: Record<string, number> = {}) {
  const deployments = [
    { id: "first", model: name(first), priority: 0 },
    { id: "second", model: name("x-healthy"), priority: 1 },
  ];
  const response = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: name(group), strategy: "priority", deployments, timeouts } });
  expect(response.status(), await response.text()).toBe(201);
}

test.beforeAll(async ({ request }) => {
  fake = await startRoutingFake();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: name("resilience-fake"), base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  expect(connection.status()).toBe(201);
  const connectionId = (await connection.json()).id;
  for (const [model, upstream] of [
    ["x-stalling", `stall-${suffix}`],
    ["x-slow", `slow-${suffix}`],
    ["x-usagefail", `usagefail-${suffix}`],
    ["x-healthy", `ok-${suffix}`],
  ] as const) {
    await addModel(request, connectionId, model, upstream);
  }
  await addGroup(request, "idle", "x-stalling", { idle_ms: 300 });
  await addGroup(request, "defaults", "x-stalling");
  await addGroup(request, "total", "x-slow", { total_ms: 500 });
  await addGroup(request, "billed", "x-usagefail");
  key = (await createKey(request)).key;
  await expect.poll(async () => (await chat(request, "billed", "hi")).status(), { timeout: 5000 }).toBe(200);
});
test.afterAll(async () => {
  await fake?.close();
});

function chat(request: APIRequestContext, group: string, content: string, extra: Record<string, unknown> = {}) {
  return request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: name(group), messages: [{ role: "user", content }], ...extra } });
}
type Trace = { attempts: { deployment: string; outcome: string; durationMs: number; error?: { kind: string; code?: string; phase?: string; scope?: string } }[] };
const traceOf = async (request: APIRequestContext, requestId: string) => (await ledgerRow(request, requestId)).routing as Trace;
const answerText = (body: string, stream: boolean) =>
  stream
    ? sseData(body)
        .filter((data) => data !== "[DONE]")
        .map((data) => JSON.parse(data).choices?.[0]?.delta?.content ?? "")
        .join("")
    : JSON.parse(body).choices[0].message.content;

for (const stream of [false, true]) {
  test(`a group's idle_ms trips on silence after the headers and the next deployment answers (stream: ${stream})`, async ({ request }) => {
    const started = Date.now();
    const response = await chat(request, "idle", "hi [[stall:1200]]", { stream });
    expect(response.status()).toBe(200);
    expect(response.headers()["x-modelgate-deployment"]).toBe("second");
    expect(answerText(await response.text(), stream)).toBe(`Served by ok-${suffix}.`);
    expect(Date.now() - started).toBeLessThan(1100);
    const trace = await traceOf(request, response.headers()["x-request-id"]);
    expect(trace.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.error?.phase ?? null])).toEqual([
      ["first", "error", "idle"],
      ["second", "success", null],
    ]);
    // The stalled upstream request was aborted at once, not left running.
    const stalled = (await fakeRequests(fake.url)).filter((entry) => entry.body.model === `stall-${suffix}`).at(-1);
    expect(stalled?.outcome).toBe("client_closed");
  });

  test(`a group's total_ms trips a slow attempt, transient, and the next deployment answers (stream: ${stream})`, async ({ request }) => {
    const started = Date.now();
    const response = await chat(request, "total", "hi [[wait:2500]]", { stream });
    expect(response.status()).toBe(200);
    expect(response.headers()["x-modelgate-deployment"]).toBe("second");
    expect(Date.now() - started).toBeLessThan(1500);
    const trace = await traceOf(request, response.headers()["x-request-id"]);
    expect(trace.attempts[0]).toMatchObject({ deployment: "first", outcome: "error", error: { kind: "timeout", code: "timeout_total", phase: "total", scope: "attempt" } });
    expect(trace.attempts[0].durationMs).toBeGreaterThanOrEqual(490);
  });
}

test("a group without its own timeouts keeps the gateway's: 0.8 s of silence is waited out, 4 s trips the 1.5 s idle limit", async ({ request }) => {
  const patient = await chat(request, "defaults", "hi [[stall:800]]");
  expect(patient.status()).toBe(200);
  expect(patient.headers()["x-modelgate-deployment"]).toBe("first");
  const tripped = await chat(request, "defaults", "hi [[stall:4000]]");
  expect(tripped.status()).toBe(200);
  expect(tripped.headers()["x-modelgate-deployment"]).toBe("second");
  const trace = await traceOf(request, tripped.headers()["x-request-id"]);
  expect(trace.attempts[0].error).toMatchObject({ kind: "timeout", phase: "idle" });
  expect(trace.attempts[0].durationMs).toBeGreaterThanOrEqual(1400);
});

test("an attempt that failed after the provider reported usage is its own child row; the request's detail sums both exactly", async ({ request }) => {
  const response = await chat(request, "billed", "hi", { stream: true });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-modelgate-deployment"]).toBe("second");
  expect(sseData(await response.text()).at(-1)).toBe("[DONE]");
  const requestId = response.headers()["x-request-id"];
  // The child row is written in the same batch or the next: poll until the detail lists it.
  await expect.poll(async () => ((await ledgerRow(request, requestId)).children as unknown[]).length, { timeout: 5000 }).toBe(1);
  const row = await ledgerRow(request, requestId);
  expect(row).toMatchObject({ status: "success", inputTokens: 21, outputTokens: 7, costUsd: "0.000035000000", upstreamAttempts: 2, totalCostUsd: "0.000070000000" });
  const [child] = row.children as { id: string; status: string; servedModel: string; provider: string; inputTokens: number; outputTokens: number; tokensEstimated: boolean; costUsd: string; isAttempt: boolean }[];
  expect(child).toMatchObject({ status: "error", servedModel: `usagefail-${suffix}`, provider: "openai", inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: "0.000035000000", isAttempt: true });
  const childRow = await ledgerRow(request, child.id);
  expect(childRow).toMatchObject({ parentId: requestId, errorKind: "upstream", httpStatus: 502 });
  // Recorded once: the key's rows are this request and its one attempt, nothing else from it.
  const rows = (await (await request.get(`/api/admin/requests?limit=100`, { headers: adminHeaders() })).json()).data as { id: string; parentId: string | null }[];
  expect(rows.filter((entry) => entry.id === requestId || entry.parentId === requestId)).toHaveLength(2);
});
