import { expect, test, type APIRequestContext } from "@playwright/test";
import { adminHeaders, createKey, ledgerRow, sseData } from "../support/gateway-client";

/** Prometheus text format: `name{label="value",…} number` lines (comments skipped). */
function parseSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const samples = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of every sample of `name` whose labels include `labels`. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  return parseSamples(text)
    .filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

async function scrape(request: APIRequestContext): Promise<string> {
  const response = await request.get("/metrics", { headers: { authorization: adminHeaders().authorization } });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  return response.text();
}

const openai = { provider: "openai", model: "gpt-4o-mini" };

test("GET /metrics counts real requests through the fake upstream: requests, latency, TTFT, tokens, cost, attempts, retries", async ({ request }) => {
  const { key } = await createKey(request);
  const before = await scrape(request);
  const headers = { authorization: `Bearer ${key}` };
  const plain = await request.post("/v1/chat/completions", { headers, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "metrics plain" }] } });
  expect(plain.status()).toBe(200);
  const streamed = await request.post("/v1/chat/completions", { headers, data: { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "metrics stream" }] } });
  expect(sseData(await streamed.text()).at(-1)).toBe("[DONE]");
  // The fake answers 503 to both attempts (UPSTREAM_MAX_RETRIES=1 in the global setup): one retry, two failed attempts.
  const failed = await request.post("/v1/chat/completions", { headers, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "metrics [[fake:error:503]]" }] } });
  expect(failed.status()).toBe(503);
  // Metrics move when a request settles (with its ledger row), just after the response.
  for (const response of [plain, streamed, failed]) await ledgerRow(request, response.headers()["x-request-id"]);

  const after = await scrape(request);
  const delta = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
  // Other specs run beside this one: at least our requests, counted by their labels.
  expect(delta("modelgate_requests_total", { ...openai, endpoint: "/v1/chat/completions", status: "success", error_kind: "none" })).toBeGreaterThanOrEqual(2);
  expect(delta("modelgate_requests_total", { ...openai, status: "error", error_kind: "upstream" })).toBeGreaterThanOrEqual(1);
  expect(delta("modelgate_request_duration_seconds_count", { ...openai, status: "success" })).toBeGreaterThanOrEqual(2);
  expect(delta("modelgate_time_to_first_token_seconds_count", { ...openai, stream: "true" })).toBeGreaterThanOrEqual(1);
  // The fake's usage: 21 in, 7 out; 0.00000735 $ a request at the catalog's price.
  expect(delta("modelgate_tokens_total", { ...openai, type: "input" })).toBeGreaterThanOrEqual(42);
  expect(delta("modelgate_tokens_total", { ...openai, type: "output" })).toBeGreaterThanOrEqual(14);
  expect(delta("modelgate_cost_usd_total", openai)).toBeGreaterThanOrEqual(0.0000147 - 1e-12);
  expect(delta("modelgate_upstream_attempts_total", { ...openai, outcome: "upstream" })).toBeGreaterThanOrEqual(2);
  expect(delta("modelgate_upstream_attempts_total", { ...openai, outcome: "ok" })).toBeGreaterThanOrEqual(2);
  expect(delta("modelgate_upstream_retries_total", openai)).toBeGreaterThanOrEqual(1);
  // State read at scrape time: the usage queue, the (embedded, single-connection) database, the process.
  expect(parseSamples(after).some((sample) => sample.name === "modelgate_usage_queue_rows")).toBe(true);
  expect(parseSamples(after).some((sample) => sample.name === "modelgate_usage_queue_lag_seconds")).toBe(true);
  expect(total(after, "modelgate_db_pool_max")).toBe(1);
  expect(total(after, "modelgate_requests_in_flight")).toBeGreaterThanOrEqual(0);
  expect(total(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
  expect(after).toContain("# TYPE modelgate_circuit_breaker_state gauge");
});

test("GET /metrics needs an admin token", async ({ request }) => {
  const anonymous = await request.get("/metrics");
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toEqual({ error: { message: expect.stringContaining("admin token"), type: "invalid_request_error", code: "invalid_admin_token", param: null } });
  // A virtual key is not an admin token.
  const { key } = await createKey(request);
  expect((await request.get("/metrics", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
  // Roles (a viewer token reads, a developer token is refused) are covered in server/telemetry/metrics-endpoint.test.ts.
});
