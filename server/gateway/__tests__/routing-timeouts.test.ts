import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { RouteTraceValue } from "@/db/schema/route-trace";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "@/e2e/fakes/routing-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { groupDefinitionSchema } from "../routing/group-schema";
import { RoutingState } from "../routing/routing-state";
import { makeKey, makeModel, ORG, startTestGateway } from "./harness";

// A group's per-attempt timeouts (README "Model groups and routing", Timeouts) through the node transport, against the
// routing fake: stall-* sends its headers and then nothing for [[stall:MS]], slow-* answers after [[wait:MS]].
// The gateway-wide limits here are 5 s (harness), far above the groups' own.
let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const group = (name: string, definition: unknown) => ({ id: crypto.randomUUID(), orgId: ORG, name, version: 1, definition: groupDefinitionSchema.parse(definition) });
const pair = (first: string, second: string) => [
  { id: "first", model: first, priority: 0 },
  { id: "second", model: second, priority: 1 },
];

beforeAll(async () => {
  fake = await startRoutingFake();
  const models = [
    makeModel("stalling", "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, "stall-a"),
    makeModel("slow", "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, "slow-b"),
    makeModel("healthy", "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, "ok-c"),
    makeModel("dripping", "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, "drip-d"),
  ];
  const groups = [
    group("idle", { strategy: "priority", deployments: pair("stalling", "healthy"), timeouts: { idle_ms: 300 } }),
    group("patient", { strategy: "priority", deployments: pair("stalling", "healthy") }),
    group("bounded", { strategy: "priority", deployments: pair("slow", "healthy"), timeouts: { total_ms: 400 } }),
    group("fresh", { strategy: "priority", deployments: pair("slow", "stalling"), timeouts: { total_ms: 600 } }),
    group("dripping", { strategy: "priority", deployments: pair("dripping", "healthy"), timeouts: { total_ms: 700 } }),
  ];
  gateway = await startTestGateway({ keys: [key.entry], models, groups, routing: new RoutingState() });
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});
beforeEach(() => void (gateway.rows.length = 0));

async function chat(model: string, content: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }], ...extra }),
  });
  return { response, text: await response.text() };
}
async function traceOf(requestId: string | null): Promise<RouteTraceValue> {
  await gateway.waitForRows(1);
  return gateway.rows.find((entry) => entry.id === requestId)!.routing as RouteTraceValue;
}
const lastOutcome = async (upstreamModel: string) => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return fake.received.filter((entry) => (entry.body as { model?: string }).model === upstreamModel).at(-1)?.outcome;
};

describe("per-group phase timeouts", () => {
  test.each([false, true])("idle_ms: silence after the headers aborts the attempt upstream and the next deployment answers (stream: %s)", async (stream) => {
    const started = Date.now();
    const { response, text } = await chat("idle", "hi [[stall:1500]]", { stream });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    expect(text).toContain("ok-c.");
    expect(Date.now() - started).toBeLessThan(1400);
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts[0]).toMatchObject({ deployment: "first", outcome: "error", error: { kind: "timeout", code: "timeout_idle", phase: "idle" } });
    expect(trace.attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    expect(trace.attempts[1].reason).toBe("fallback after first: transient");
    expect(await lastOutcome("stall-a")).toBe("client_closed");
  });

  test.each([false, true])("a group without idle_ms keeps the gateway's idle limit: the same silence is waited out (stream: %s)", async (stream) => {
    const { response, text } = await chat("patient", "hi [[stall:1500]]", { stream });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("first");
    expect(text).toContain("stall-a.");
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts).toHaveLength(1);
    expect(trace.attempts[0].durationMs).toBeGreaterThanOrEqual(1400);
  });

  test.each([false, true])("total_ms: an attempt over it is aborted, is transient, and the next deployment answers (stream: %s)", async (stream) => {
    const started = Date.now();
    const { response, text } = await chat("bounded", "hi [[wait:3000]]", { stream });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    expect(text).toContain("ok-c.");
    expect(Date.now() - started).toBeLessThan(1500);
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts[0]).toMatchObject({ outcome: "error", error: { kind: "timeout", code: "timeout_total", phase: "total", scope: "attempt" } });
    expect(trace.attempts[0].durationMs).toBeGreaterThanOrEqual(390);
    expect(await lastOutcome("slow-b")).toBe("client_closed");
  });

  test("the next attempt gets a fresh clock: 600 ms each, the second answering 450 ms into its own, 1 s into the request", async () => {
    const { response, text } = await chat("fresh", "hi [[wait:3000]] [[stall:450]]");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    expect(text).toContain("stall-a.");
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts.map((attempt) => attempt.outcome)).toEqual(["error", "success"]);
    expect(trace.attempts[1].startMs + trace.attempts[1].durationMs).toBeGreaterThan(600);
  });

  test("a committed stream is still bounded by its total_ms: past it the stream ends with a timeout error event, never [DONE]", async () => {
    // drip-d sends a chunk every 300 ms: the first commits the stream at ~300 ms, the 700 ms total cuts it afterwards.
    const started = Date.now();
    const { response, text } = await chat("dripping", "hi", { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("first");
    expect(text).not.toContain("[DONE]");
    expect(text).toContain('"code":"timeout_total"');
    expect(Date.now() - started).toBeLessThan(1300);
    await gateway.waitForRows(1);
    const row = gateway.rows.find((entry) => entry.id === response.headers.get("x-request-id"))!;
    expect(row).toMatchObject({ status: "error", errorKind: "timeout" });
    expect(await lastOutcome("drip-d")).toBe("client_closed");
  });
});
