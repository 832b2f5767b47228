import { describe, expect, test } from "vitest";
import { GatewayMetrics, type SettledRequest } from "./metrics";

const settled = (overrides: Partial<SettledRequest> = {}): SettledRequest => ({
  endpoint: "/v1/chat/completions",
  provider: "openai",
  model: "mini",
  status: "success",
  errorKind: null,
  latencyMs: 120,
  ttftMs: 40,
  stream: true,
  inputTokens: 21,
  outputTokens: 7,
  cachedInputTokens: 8,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: "0.000006750000",
  ...overrides,
});

/** The value of one sample line, e.g. `modelgate_requests_total{...} 2`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("GatewayMetrics", () => {
  test("a settled request counts once, with latency, TTFT, tokens by type and in-flight back to zero", async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.requestStarted();
    metrics.requestStarted();
    expect(sample((await metrics.exposition()).body, "modelgate_requests_in_flight")).toBe(2);
    metrics.requestSettled(settled());
    metrics.requestSettled(settled({ status: "error", errorKind: "upstream", inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: "0", ttftMs: null, latencyMs: 3 }));
    const { body, contentType } = await metrics.exposition();
    expect(contentType).toContain("text/plain");
    expect(sample(body, "modelgate_requests_in_flight")).toBe(0);
    expect(sample(body, "modelgate_requests_total", { status: "success", error_kind: "none", model: "mini", provider: "openai" })).toBe(1);
    expect(sample(body, "modelgate_requests_total", { status: "error", error_kind: "upstream" })).toBe(1);
    expect(sample(body, "modelgate_request_duration_seconds_count", { status: "success" })).toBe(1);
    expect(sample(body, "modelgate_request_duration_seconds_sum", { status: "success" })).toBeCloseTo(0.12);
    expect(sample(body, "modelgate_request_duration_seconds_bucket", { status: "success", le: "0.1" })).toBe(0);
    expect(sample(body, "modelgate_request_duration_seconds_bucket", { status: "success", le: "0.25" })).toBe(1);
    expect(sample(body, "modelgate_time_to_first_token_seconds_count", { stream: "true" })).toBe(1);
    expect(sample(body, "modelgate_tokens_total", { type: "input" })).toBe(21);
    expect(sample(body, "modelgate_tokens_total", { type: "output" })).toBe(7);
    expect(sample(body, "modelgate_tokens_total", { type: "cached_input" })).toBe(8);
    expect(sample(body, "modelgate_tokens_total", { type: "reasoning" })).toBeUndefined();
  });

  test("cost is summed exactly in picodollars: a thousand 1e-12 $ rows make exactly 1e-9 $", async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    for (let index = 0; index < 1000; index++) metrics.requestSettled(settled({ costUsd: "0.000000000001" }));
    metrics.requestSettled(settled({ costUsd: "0.1" }));
    metrics.requestSettled(settled({ costUsd: "0.2" }));
    const { body } = await metrics.exposition();
    // 0.1 + 0.2 added as floats is 0.30000000000000004; summed as integers it is 0.300000001.
    expect(sample(body, "modelgate_cost_usd_total", { provider: "openai", model: "mini" })).toBe(0.300000001);
  });

  test("attempts by outcome, retries after the first attempt", async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.attemptEnded({ provider: "openai", model: "mini", isRetry: false, durationMs: 5, error: { kind: "upstream", provider: "openai", status: 503, message: "overloaded" } });
    metrics.attemptEnded({ provider: "openai", model: "mini", isRetry: true, durationMs: 7 });
    const { body } = await metrics.exposition();
    expect(sample(body, "modelgate_upstream_attempts_total", { outcome: "upstream" })).toBe(1);
    expect(sample(body, "modelgate_upstream_attempts_total", { outcome: "ok" })).toBe(1);
    expect(sample(body, "modelgate_upstream_retries_total", { provider: "openai" })).toBe(1);
    expect(sample(body, "modelgate_upstream_attempt_duration_seconds_count", { outcome: "ok" })).toBe(1);
  });

  test("circuit breaker, usage queue and database pool are read at scrape time", async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.setCircuitState("chat-default", "primary", "open");
    const queue = { pending: 3, oldestQueuedAt: Date.now() - 2000 as number | undefined };
    metrics.watchUsageQueue(queue);
    metrics.watchDatabasePool(async () => ({ max: 10, connections: { active: 2, idle: 5 } }));
    let body = (await metrics.exposition()).body;
    expect(sample(body, "modelgate_circuit_breaker_state", { group: "chat-default", deployment: "primary" })).toBe(2);
    expect(sample(body, "modelgate_usage_queue_rows")).toBe(3);
    expect(sample(body, "modelgate_usage_queue_lag_seconds")).toBeGreaterThanOrEqual(2);
    expect(sample(body, "modelgate_db_pool_max")).toBe(10);
    expect(sample(body, "modelgate_db_pool_connections", { state: "active" })).toBe(2);
    queue.pending = 0;
    queue.oldestQueuedAt = undefined;
    body = (await metrics.exposition()).body;
    expect(sample(body, "modelgate_usage_queue_rows")).toBe(0);
    expect(sample(body, "modelgate_usage_queue_lag_seconds")).toBe(0);
  });

  test("usage batch writes: rows written, failures counted and rethrown", async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    let fail = false;
    const write = metrics.timeUsageWrites(async () => {
      if (fail) throw new Error("database away");
    });
    await write([1, 2, 3]);
    fail = true;
    await expect(write([4])).rejects.toThrow("database away");
    const { body } = await metrics.exposition();
    expect(sample(body, "modelgate_usage_rows_written_total")).toBe(3);
    expect(sample(body, "modelgate_usage_write_failures_total")).toBe(1);
    expect(sample(body, "modelgate_usage_batch_write_seconds_count")).toBe(2);
  });

  test("process metrics are included by default", async () => {
    const { body } = await new GatewayMetrics().exposition();
    expect(body).toContain("process_cpu_user_seconds_total");
    expect(body).toContain("nodejs_eventloop_lag_seconds");
  });
});
