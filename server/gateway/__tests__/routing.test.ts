import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { RouteTraceValue } from "@/db/schema/route-trace";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "@/e2e/fakes/routing-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { groupDefinitionSchema } from "../routing/group-schema";
import { RoutingState } from "../routing/routing-state";
import { makeKey, makeModel, ORG, startTestGateway } from "./harness";

// Model groups end to end through the node transport, against the routing fake (one behaviour per upstream model).
let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let routing: RoutingState;
const key = makeKey();
const limited = makeKey({ allowedModels: new Set(["primary"]) });

function model(name: string, upstream: string, contextWindow = 128_000, price = "1") {
  const entry = makeModel(name, "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, upstream);
  return { ...entry, contextWindow, prices: [{ ...entry.prices[0], inputPerMtok: price, outputPerMtok: price }] };
}
const EXPERIMENT_ID = "22222222-2222-4222-8222-222222222222";
const group = (name: string, definition: unknown) => ({ id: crypto.randomUUID(), orgId: ORG, name, version: 1, definition: groupDefinitionSchema.parse(definition) });

beforeAll(async () => {
  fake = await startRoutingFake();
  routing = new RoutingState();
  const models = [
    model("broken", "fail-a"),
    model("healthy", "ok-b"),
    model("limited", "ratelimit-c"),
    model("tiny", "small-d", 100_000),
    model("large", "ok-large", 1_000_000),
    model("filtered", "filter-e"),
    model("cut", "cut-f"),
    model("cheap", "ok-cheap", 128_000, "0.1"),
    model("dear", "ok-dear", 128_000, "10"),
    model("flaky", "flaky-g"),
    model("sluggish", "slow-h"),
  ];
  const groups = [
    group("primary", { strategy: "priority", deployments: [{ id: "first", model: "broken", priority: 0 }, { id: "second", model: "healthy", priority: 1 }] }),
    group("rate", { strategy: "priority", deployments: [{ id: "only", model: "limited" }], retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 2000, deadline_ms: 10_000 } }),
    group("context", { strategy: "priority", deployments: [{ id: "small", model: "tiny", priority: 0 }, { id: "big", model: "large", priority: 1 }] }),
    group("guarded", { strategy: "priority", deployments: [{ id: "strict", model: "filtered", priority: 0 }, { id: "lenient", model: "healthy", priority: 1 }], fallback_on: { content_filter: true } }),
    group("streaming", { strategy: "priority", deployments: [{ id: "cuts", model: "cut", priority: 0 }, { id: "fine", model: "healthy", priority: 1 }] }),
    group("cost", { strategy: "lowest_cost", deployments: [{ id: "dear", model: "dear" }, { id: "cheap", model: "cheap" }] }),
    group("chained", { strategy: "priority", deployments: [{ id: "down", model: "broken" }], fallbacks: ["primary"] }),
    group("impatient", { strategy: "priority", deployments: [{ id: "sluggish", model: "sluggish", priority: 0 }, { id: "quick", model: "healthy", priority: 1 }], timeouts: { first_token_ms: 300 } }),
    group("lonely", { deployments: [{ id: "alone", model: "flaky" }] }),
    group("breaker", { strategy: "priority", deployments: [{ id: "flaky", model: "flaky", priority: 0 }, { id: "backup", model: "healthy", priority: 1 }], circuit: { failure_threshold: 2, cooldown_ms: 60_000 } }),
  ];
  const experiments = [{ id: EXPERIMENT_ID, orgId: ORG, name: "cheap vs dear", model: "split", variants: [{ name: "control", weight: 50, target: "dear" }, { name: "cheap", weight: 50, target: "cost" }] }];
  gateway = await startTestGateway({ keys: [key.entry, limited.entry], models, groups, routing, experiments });
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});
beforeEach(() => void (gateway.rows.length = 0));

async function chat(model: string, extra: Record<string, unknown> = {}, token = key.token) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra }),
  });
  return { response, text: await response.text() };
}
async function traceOf(requestId: string | null): Promise<RouteTraceValue> {
  await gateway.waitForRows(1);
  const row = gateway.rows.find((entry) => entry.id === requestId);
  return row!.routing as RouteTraceValue;
}

describe("model groups", () => {
  test("a 500 from the first deployment falls over to the next; headers and the ledger trace say so", async () => {
    const { response, text } = await chat("primary");
    expect(response.status).toBe(200);
    expect(JSON.parse(text).choices[0].message.content).toBe("Served by ok-b.");
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    expect(response.headers.get("x-modelgate-attempts")).toBe("2");
    expect(response.headers.get("x-modelgate-route")).toBe("primary@v1");
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.error?.status])).toEqual([
      ["first", "error", 500],
      ["second", "success", undefined],
    ]);
    expect(trace.attempts[1].reason).toBe("fallback after first: transient");
    expect(trace.chosen).toBe("second");
    const row = gateway.rows.find((entry) => entry.id === response.headers.get("x-request-id"))!;
    expect(row).toMatchObject({ requestedModel: "primary", servedModel: "ok-b", status: "success", upstreamAttempts: 2, costUsd: "0.000028000000" });
  });

  test("a stream falls back when the first deployment dies before its first event", async () => {
    const { response, text } = await chat("streaming", { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("fine");
    expect(text).toContain("Served");
    expect(text).toContain("[DONE]");
  });

  test("a 429 is retried after its Retry-After, then answered as the provider's 429", async () => {
    const started = Date.now();
    const { response, text } = await chat("rate");
    expect(response.status).toBe(429);
    expect(JSON.parse(text).error.code).toBe("rate_limit_exceeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts).toHaveLength(2);
    expect(trace.attempts[1]).toMatchObject({ delayMs: 1000, reason: "retry 1 of only after rate_limited" });
  });

  test("context overflow on a small model goes to the larger one", async () => {
    const { response, text } = await chat("context");
    expect(response.status).toBe(200);
    expect(JSON.parse(text).choices[0].message.content).toBe("Served by ok-large.");
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts.map((attempt) => attempt.error?.code ?? "ok")).toEqual(["context_length_exceeded", "ok"]);
  });

  test("a prompt over every known context window is refused before any upstream call", async () => {
    const { response, text } = await chat("context", { max_tokens: 999_999 });
    expect(response.status).toBe(400);
    expect(JSON.parse(text).error.code).toBe("context_length_exceeded");
  });

  test("content-filter refusals fall back when the group opts in", async () => {
    const { response, text } = await chat("guarded");
    expect(response.status).toBe(200);
    expect(JSON.parse(text).choices[0].message.content).toBe("Served by ok-b.");
  });

  test("lowest_cost picks the cheaper deployment and records the scores", async () => {
    const { response } = await chat("cost");
    expect(response.headers.get("x-modelgate-deployment")).toBe("cheap");
    const trace = await traceOf(response.headers.get("x-request-id"));
    const scores = Object.fromEntries(trace.candidates.map((candidate) => [candidate.deployment, candidate.score]));
    expect(scores.cheap).toBeLessThan(scores.dear!);
  });

  test("a fallback group is tried after the group's own deployments, and only if the key may use it", async () => {
    const { response, text } = await chat("chained");
    expect(response.status).toBe(200);
    expect(JSON.parse(text).choices[0].message.content).toBe("Served by ok-b.");
    const denied = await chat("chained", {}, limited.token);
    expect(denied.response.status).toBe(404);
  });

  test.each([false, true])("the group's first-token limit aborts a slow attempt and the next deployment answers (stream: %s)", async (stream) => {
    const started = Date.now();
    const { response, text } = await chat("impatient", { stream });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("quick");
    expect(text).toContain("Served");
    expect(Date.now() - started).toBeLessThan(2000);
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.attempts[0]).toMatchObject({ deployment: "sluggish", error: { kind: "timeout", code: "timeout_first_token" } });
    expect(trace.attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    // The slow upstream request was cut at once, not left running.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.received.filter((entry) => (entry.body as { model?: string }).model === "slow-h").at(-1)?.outcome).toBe("client_closed");
  });

  test("the Messages API and the Responses API route the same way", async () => {
    const messages = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key.token, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "primary", max_tokens: 64, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(messages.status).toBe(200);
    expect(messages.headers.get("x-modelgate-deployment")).toBe("second");
    expect((await messages.json()).content[0].text).toBe("Served by ok-b.");
    const responses = await fetch(`${gateway.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "primary", input: "hi", store: false }),
    });
    expect(responses.status).toBe(200);
    expect(responses.headers.get("x-modelgate-attempts")).toBe("2");
  });

  test("no healthy deployment left is a 503 no_healthy_deployment with Retry-After, in the OpenAI shape", async () => {
    // "breaker" group's circuit for flaky is open after the circuit test; a group with only it has nothing left.
    await fetch(`${fake.url}/__fake/mode`, { method: "POST", body: JSON.stringify({ model: "flaky-g", mode: "fail" }) });
    for (let index = 0; index < 2; index++) await chat("breaker");
    const { response, text } = await chat("lonely");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(JSON.parse(text).error).toMatchObject({ type: "server_error", code: "no_healthy_deployment" });
  });

  test("a running experiment sends each end user to its variant (a model or a group), sticky, named in x-modelgate-variant and on the row", async () => {
    const seen = new Map<string, string>();
    for (let user = 0; user < 12; user++) {
      const { response } = await chat("split", { user: `user-${user}` });
      expect(response.status).toBe(200);
      const variant = response.headers.get("x-modelgate-variant")!;
      seen.set(`user-${user}`, variant);
      const again = await chat("split", { user: `user-${user}` });
      expect(again.response.headers.get("x-modelgate-variant")).toBe(variant);
      // The cheap variant is the "cost" group (routed); control is the "dear" model itself.
      expect(response.headers.get("x-modelgate-route") !== null).toBe(variant === "cheap");
    }
    expect(new Set(seen.values())).toEqual(new Set(["control", "cheap"]));
    await gateway.waitForRows(24);
    const row = gateway.rows.find((entry) => entry.endUser === "user-0")!;
    expect(row).toMatchObject({ requestedModel: "split", experimentId: EXPERIMENT_ID, variant: seen.get("user-0") });
  });

  test("/v1/models lists the groups the key may use beside the models", async () => {
    const list = async (token: string) => ((await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string; owned_by: string }[] }).data;
    expect((await list(key.token)).find((entry) => entry.id === "primary")).toEqual(expect.objectContaining({ owned_by: "modelgate" }));
    expect((await list(limited.token)).map((entry) => entry.id)).toEqual(["primary"]);
    expect((await list(key.token)).map((entry) => entry.id)).toContain("lonely");
  });

  test("the circuit opens after consecutive failures and the deployment is passed over", async () => {
    await fetch(`${fake.url}/__fake/mode`, { method: "POST", body: JSON.stringify({ model: "flaky-g", mode: "fail" }) });
    for (let index = 0; index < 2; index++) expect((await chat("breaker")).response.headers.get("x-modelgate-deployment")).toBe("backup");
    const { response } = await chat("breaker");
    expect(response.headers.get("x-modelgate-attempts")).toBe("1");
    const trace = await traceOf(response.headers.get("x-request-id"));
    expect(trace.candidates.find((candidate) => candidate.deployment === "flaky")?.excluded).toBe("circuit open");
    expect(routing.events.some((event) => event.kind === "circuit" && event.state === "open" && event.deployment === "flaky")).toBe(true);
  });
});
