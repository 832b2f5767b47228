import { describe, expect, test } from "vitest";
import type { ModelEntry } from "../config/config-source";
import type { DeploymentEntry } from "./group-entry";
import { orderDeployments, type OrderContext } from "./order-deployments";
import type { RequestNeeds } from "./request-needs";
import { RoutingState } from "./routing-state";

function deployment(id: string, options: Partial<DeploymentEntry> & { price?: string } = {}): DeploymentEntry {
  const price = options.price ?? "1";
  const model = { id: `model-${id}`, name: id, contextWindow: null, prices: price === "none" ? [] : [{ id: "p", effectiveFrom: 0, inputPerMtok: price, outputPerMtok: price, cachedInputPerMtok: null, cacheWritePerMtok: null }] } as unknown as ModelEntry;
  return { id, group: "g", model, healthKey: `model-${id}`, weight: 1, priority: 0, overrides: {}, supports: { tools: true, images: true, structured_output: true }, ...options };
}

/** A seeded generator (mulberry32): deterministic draws in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const needs: RequestNeeds = { promptTokens: 1000, maxTokens: 100, tools: false, images: false, structuredOutput: false, choices: 1 };
const context = (state: RoutingState, random: () => number = seeded(1)): OrderContext => ({ state, needs, stream: false, random, at: Date.now() });
const ids = (ordered: { deployment: DeploymentEntry }[]) => ordered.map((entry) => entry.deployment.id);

describe("orderDeployments", () => {
  test("weighted: first choices follow the weights (3:1 within ±3 % over 4000 draws)", () => {
    const state = new RoutingState(() => 0);
    const random = seeded(7);
    const list = [deployment("a", { weight: 3 }), deployment("b", { weight: 1 })];
    let a = 0;
    for (let draw = 0; draw < 4000; draw++) if (orderDeployments("weighted", list, context(state, random))[0].deployment.id === "a") a++;
    expect(a / 4000).toBeGreaterThan(0.72);
    expect(a / 4000).toBeLessThan(0.78);
  });

  test("least_in_flight: fewest requests in flight per unit of weight first", () => {
    const state = new RoutingState(() => 0);
    state.begin("model-a");
    state.begin("model-a");
    state.begin("model-b");
    const ordered = orderDeployments("least_in_flight", [deployment("a", { weight: 4 }), deployment("b"), deployment("c")], context(state));
    expect(ids(ordered)).toEqual(["c", "a", "b"]);
    expect(ordered.map((entry) => entry.score)).toEqual([0, 0.5, 1]);
  });

  test("lowest_latency: lowest EWMA first, an unmeasured deployment explored first; streams rank by time to first token", () => {
    const state = new RoutingState(() => 0);
    state.observeLatency("model-a", { ttftMs: 900, totalMs: 1000 });
    state.observeLatency("model-b", { ttftMs: 100, totalMs: 2000 });
    const list = [deployment("a"), deployment("b"), deployment("c")];
    expect(ids(orderDeployments("lowest_latency", list, context(state)))).toEqual(["c", "a", "b"]);
    expect(ids(orderDeployments("lowest_latency", list, { ...context(state), stream: true }))).toEqual(["c", "b", "a"]);
  });

  test("lowest_cost: the request's estimated cost in picodollars, unpriced last", () => {
    const state = new RoutingState(() => 0);
    const ordered = orderDeployments("lowest_cost", [deployment("dear", { price: "10" }), deployment("free", { price: "none" }), deployment("cheap", { price: "0.5" })], context(state));
    expect(ids(ordered)).toEqual(["cheap", "dear", "free"]);
    // 1000 prompt + 100 output tokens at $0.50 / 1M = $0.00055 = 550,000,000 picodollars.
    expect(ordered[0].score).toBe(550_000_000);
  });

  test("priority: lowest priority first; spill-over past max_in_flight; a cooling deployment goes last", () => {
    const state = new RoutingState(() => 0);
    const list = [deployment("backup", { priority: 2 }), deployment("main", { priority: 0, max_in_flight: 1 }), deployment("second", { priority: 1 })];
    expect(ids(orderDeployments("priority", list, context(state)))).toEqual(["main", "second", "backup"]);
    state.begin("model-main");
    const spilled = orderDeployments("priority", list, context(state));
    expect(ids(spilled)).toEqual(["second", "backup", "main"]);
    expect(spilled[2].note).toBe("saturated (1 in flight ≥ 1)");
    state.coolDown({ key: "model-second", deployment: "second", group: { id: "g", orgId: "o", name: "chat" } }, 1000, "429");
    expect(ids(orderDeployments("priority", list, context(state)))).toEqual(["backup", "main", "second"]);
  });
});

test("simulation: lowest_latency moves traffic off a deployment whose latency spikes within one request, and back after it recovers", () => {
  let now = 0;
  const state = new RoutingState(() => now);
  const list = [deployment("a"), deployment("b")];
  const latency: Record<string, number> = { a: 100, b: 150 };
  const served: string[] = [];
  const serve = (count: number) => {
    for (let index = 0; index < count; index++) {
      const chosen = orderDeployments("lowest_latency", list, context(state))[0].deployment;
      served.push(chosen.id);
      state.observeLatency(chosen.healthKey, { totalMs: latency[chosen.id] });
      now += 1000;
    }
    return served.slice(-count);
  };
  // a (faster) takes most of the traffic; b, unsampled, decays and is explored now and then.
  const calm = serve(20);
  expect(calm.filter((id) => id === "a").length).toBeGreaterThanOrEqual(16);
  latency.a = 2000;
  // The request that meets the spike is the last one a serves.
  const spike = serve(20);
  expect(spike[0]).toBe("a");
  expect(spike.slice(1).every((id) => id === "b")).toBe(true);

  // a recovers while b slows down: a's spike decays, a is tried again and takes the traffic back.
  latency.a = 50;
  latency.b = 400;
  const recovery = serve(20);

  expect(recovery.indexOf("a")).toBeGreaterThan(0);
  expect(recovery.indexOf("a")).toBeLessThan(10);
  expect(recovery.slice(-10).every((id) => id === "a")).toBe(true);
});
