import { expect, test } from "@playwright/test";
import { startOtlpReceiver, type OtlpReceiver } from "../fakes/otlp-receiver";
import { startCluster, within, type Cluster } from "../support/replicas";

/**
 * Metrics and traces in the two-tier deployment, on the built bundles: three gateway-only replicas (dist/gateway.mjs,
 * no Next.js) export their traces to a local OTLP receiver (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, protobuf by default)
 * and serve GET /metrics with the admin token, as the console process does.
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const ADMIN_KEY = "telemetry-admin-key-0123456789abcdef";
const CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CALLER_SPAN = "b7ad6b7169203331";
let cluster: Cluster;
let receiver: OtlpReceiver;

test.beforeAll(async () => {
  receiver = await startOtlpReceiver();
  cluster = await startCluster({
    label: "telemetry",
    adminKey: ADMIN_KEY,
    portOffset: 30,
    gatewaySettings: { GATEWAY_ADMIN_KEY: ADMIN_KEY, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_BSP_SCHEDULE_DELAY: "200", OTEL_SERVICE_NAME: "modelgate-replica" },
  });
});

test.afterAll(async () => {
  await cluster?.stop();
  await receiver?.close();
});

const sampleOf = (text: string, pattern: RegExp) => text.split("\n").filter((line) => pattern.test(line)).reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);

test("requests through the balancer: every replica's /metrics adds up to them, and each is a trace continuing the caller's", async () => {
  const created = await fetch(`${cluster.console.url}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name: "telemetry" }) });
  const { key } = (await created.json()) as { key: string };
  const requestIds: string[] = [];
  // A new key reaches the replicas by notification: retry the first request until it is known everywhere.
  await within(10_000, async () => {
    const probes = await Promise.all(cluster.replicas.map((replica) => fetch(`${replica.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })));
    return probes.every((probe) => probe.status === 200);
  });
  for (let index = 0; index < 6; index++) {
    const response = await fetch(`${cluster.balancer.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: index % 2 === 1, messages: [{ role: "user", content: `telemetry ${index}` }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    requestIds.push(response.headers.get("x-request-id")!);
  }

  // Metrics: the cluster served exactly these six, spread over the replicas.
  let scrapes: string[] = [];
  await within(10_000, async () => {
    scrapes = await Promise.all(cluster.replicas.map(async (replica) => (await fetch(`${replica.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text()));
    return scrapes.reduce((sum, text) => sum + sampleOf(text, /^modelgate_requests_total\{.*status="success"/), 0) === 6;
  });
  const summed = (pattern: RegExp) => scrapes.reduce((sum, text) => sum + sampleOf(text, pattern), 0);
  expect(summed(/^modelgate_tokens_total\{.*type="input"/)).toBe(6 * 21);
  expect(summed(/^modelgate_tokens_total\{.*type="output"/)).toBe(6 * 7);
  expect(summed(/^modelgate_upstream_attempts_total\{.*outcome="ok"/)).toBe(6);
  expect(summed(/^modelgate_time_to_first_token_seconds_count\{.*stream="true"/)).toBe(3);
  // A replica's pool on PostgreSQL: its size, and its connections as pg_stat_activity sees them.
  expect(sampleOf(scrapes[0], /^modelgate_db_pool_max /)).toBe(10);
  expect(sampleOf(scrapes[0], /^modelgate_db_pool_connections\{/)).toBeGreaterThanOrEqual(1);
  const refused = await fetch(`${cluster.replicas[0].url}/metrics`);
  expect(refused.status).toBe(401);
  // The console role serves /metrics too (no gateway traffic there, but its process and pool).
  const consoleMetrics = await fetch(`${cluster.console.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(consoleMetrics.status).toBe(200);
  expect(await consoleMetrics.text()).toContain("modelgate_db_pool_max");

  // Traces: one server span per request in the caller's trace, each with its GenAI attempt span.
  await within(15_000, async () => receiver.spans.filter((span) => span.kind === 2).length >= 6);
  const roots = receiver.spans.filter((span) => span.kind === 2);
  expect(roots.map((span) => span.attributes["modelgate.request_id"]).sort()).toEqual([...requestIds].sort());
  for (const root of roots) {
    expect(root).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, name: "POST /v1/chat/completions" });
    expect(root.resource["service.name"]).toBe("modelgate-replica");
    await within(5_000, async () => receiver.spans.some((span) => span.parentSpanId === root.spanId));
    const attempt = receiver.spans.find((span) => span.parentSpanId === root.spanId)!;
    expect(attempt).toMatchObject({ kind: 3, name: "chat gpt-4o-mini" });
    expect(attempt.attributes).toMatchObject({ "gen_ai.provider.name": "openai", "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 21, "gen_ai.usage.output_tokens": 7 });
  }
});
