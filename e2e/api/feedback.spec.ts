import { expect, test, type APIRequestContext } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { adminHeaders, createKey } from "../support/gateway-client";

// POST /v1/feedback against the built app (README "A/B experiments"): requests through a running 50/50 experiment
// over two models of the routing fake (OpenAI's chat wire format), rated by the key that made them; the results
// JSON counts the ratings per variant; another key's rating is a 404.
let fake: FakeUpstream;
let key: string;
let otherKey: string;
let experimentId: string;
const suffix = `fb${Date.now().toString(36)}`;
const name = (base: string) => `${base}-${suffix}`;

async function addModel(request: APIRequestContext, connectionId: string, model: string, upstream: string, price: { input: string; output: string }) {
  const response = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: name(model), connection_id: connectionId, upstream_model: upstream, price } });
  expect(response.status(), await response.text()).toBe(201);
}

test.beforeAll(async ({ request }) => {
  fake = await startRoutingFake();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: name("feedback-fake"), base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  expect(connection.status()).toBe(201);
  const connectionId = (await connection.json()).id;
  await addModel(request, connectionId, "fb-a", `ok-a-${suffix}`, { input: "1", output: "2" });
  await addModel(request, connectionId, "fb-b", `ok-b-${suffix}`, { input: "0.5", output: "1" });
  const group = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: name("fb-group"), strategy: "priority", deployments: [{ id: "a", model: name("fb-a") }] } });
  expect(group.status(), await group.text()).toBe(201);
  const created = await request.post("/api/admin/experiments", {
    headers: adminHeaders(),
    data: { name: name("fb-ab"), model: name("fb-group"), variants: [{ name: "control", weight: 50, target: name("fb-group") }, { name: "cheap", weight: 50, target: name("fb-b") }] },
  });
  expect(created.status(), await created.text()).toBe(201);
  experimentId = (await created.json()).id;
  expect((await request.post(`/api/admin/experiments/${experimentId}/status`, { headers: adminHeaders(), data: { status: "running" } })).status()).toBe(200);
  key = (await createKey(request)).key;
  otherKey = (await createKey(request)).key;
  await expect.poll(async () => (await chat(request, "probe")).headers()["x-modelgate-variant"], { timeout: 5000 }).toBeDefined();
});
test.afterAll(async () => {
  await fake?.close();
});

function chat(request: APIRequestContext, user: string) {
  return request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: name("fb-group"), user, messages: [{ role: "user", content: "hi" }] } });
}
const feedback = (request: APIRequestContext, bearer: string, data: unknown) => request.post("/v1/feedback", { headers: { authorization: `Bearer ${bearer}` }, data });
async function results(request: APIRequestContext) {
  const response = await request.get(`/api/admin/experiments/${experimentId}/results`, { headers: adminHeaders() });
  expect(response.status()).toBe(200);
  return response.json() as Promise<{ variants: { variant: string; requests: number; thumbsRated: number; thumbsUp: number; scoresRated: number; tasksRated: number }[]; comparisons: { variant: string; metrics: { metric: string; verdict: string; summary: string }[] }[]; series: unknown[] }>;
}

test("answers in an experiment are rated by their key, counted per variant; a repeat replaces; another key is refused", async ({ request }) => {
  const answers: { requestId: string; variant: string }[] = [];
  for (let user = 0; user < 12; user++) {
    const response = await chat(request, `fb-user-${user}`);
    expect(response.status()).toBe(200);
    answers.push({ requestId: response.headers()["x-request-id"], variant: response.headers()["x-modelgate-variant"] });
  }
  expect(new Set(answers.map((answer) => answer.variant))).toEqual(new Set(["control", "cheap"]));
  const before = await results(request);
  expect(before.variants.map((variant) => variant.thumbsRated)).toEqual([0, 0]);

  // Rated at once: the ledger row may still be in the batch queue; the endpoint waits for it.
  for (const answer of answers) {
    const response = await feedback(request, key, { request_id: answer.requestId, thumbs: answer.variant === "cheap" ? "up" : "down", score: answer.variant === "cheap" ? 5 : 3, task_completed: true });
    expect(response.status(), await response.text()).toBe(200);
    expect(await response.json()).toMatchObject({ object: "feedback", request_id: answer.requestId });
  }
  const rated = await results(request);
  const perVariant = (variant: string) => answers.filter((answer) => answer.variant === variant).length;
  for (const variant of rated.variants) {
    expect(variant).toMatchObject({ thumbsRated: perVariant(variant.variant), scoresRated: perVariant(variant.variant), tasksRated: perVariant(variant.variant), thumbsUp: variant.variant === "cheap" ? perVariant("cheap") : 0 });
  }
  expect(rated.comparisons[0].variant).toBe("cheap");
  expect(rated.comparisons[0].metrics.map((metric) => metric.metric)).toEqual(["cost_per_request", "latency", "error_rate", "thumbs_up_rate", "mean_score", "task_completion"]);
  expect(rated.comparisons[0].metrics.find((metric) => metric.metric === "thumbs_up_rate")?.summary).toMatch(/^satisfaction: /);

  // Idempotent per (request, metric): a second thumbs on the same answer replaces the first.
  const first = answers.find((answer) => answer.variant === "control")!;
  expect((await feedback(request, key, { request_id: first.requestId, thumbs: "up" })).status()).toBe(200);
  const again = await results(request);
  const control = again.variants.find((variant) => variant.variant === "control")!;
  expect(control).toMatchObject({ thumbsRated: perVariant("control"), thumbsUp: 1 });

  // Another key (no shared team) gets the same 404 as an unknown id: no existence leak.
  const refused = await feedback(request, otherKey, { request_id: first.requestId, thumbs: "down" });
  const unknown = await feedback(request, otherKey, { request_id: "req_000000000000000000000000", thumbs: "down" });
  expect(refused.status()).toBe(404);
  expect(await refused.json()).toEqual(await unknown.json());
  expect((await results(request)).variants.find((variant) => variant.variant === "control")).toMatchObject({ thumbsUp: 1 });
});

test.describe("errors are OpenAI-shaped", () => {
  const cases: [string, Record<string, string>, unknown, number, string, string | null][] = [
    ["no key", {}, { request_id: "req_000000000000000000000000", thumbs: "up" }, 401, "invalid_api_key", null],
    ["bad thumbs", { auth: "key" }, { request_id: "req_000000000000000000000000", thumbs: "sideways" }, 400, "invalid_value", "thumbs"],
    ["long comment", { auth: "key" }, { request_id: "req_000000000000000000000000", comment: "x".repeat(2001) }, 400, "invalid_value", "comment"],
    ["nothing to record", { auth: "key" }, { request_id: "req_000000000000000000000000" }, 400, "invalid_value", null],
  ];
  for (const [title, options, data, status, code, param] of cases) {
    test(title, async ({ request }) => {
      const response = await request.post("/v1/feedback", { headers: options.auth ? { authorization: `Bearer ${key}` } : {}, data });
      expect(response.status()).toBe(status);
      expect((await response.json()).error).toMatchObject({ code, param });
    });
  }
  test("GET is 405", async ({ request }) => {
    const response = await request.get("/v1/feedback", { headers: { authorization: `Bearer ${key}` } });
    expect(response.status()).toBe(405);
  });
});
