import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, expect, test } from "vitest";
import { RoutingState } from "./routing-state";
import { shareRoutingState } from "./shared-routing";

/**
 * Circuits and cool-downs shared across replicas through the real Redis (127.0.0.1:6379): three RoutingStates stand
 * for three replicas, each with its own connections, as runtime.ts wires them when REDIS_URL is set.
 */
const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mg:test:routing:${randomUUID()}:`;
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function replica(clock: { offset: number }): Promise<RoutingState> {
  const state = new RoutingState(() => Date.now() + clock.offset);
  const shared = shareRoutingState(state, { url, prefix, commandTimeoutMs: 1000 });
  stops.push(() => shared.stop());
  await shared.ready;
  return state;
}

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("not seen within 3 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const settings = { failure_threshold: 2, error_rate: 1, min_requests: 100, cooldown_ms: 60_000 };
const key = "model-a";
const primary = { key, deployment: "primary", group: { id: "group-1", orgId: "org-1", name: "chat" } };

test("a circuit opened on one replica is open on the others, a replica started later sees it, and a probe's success closes it everywhere", async () => {
  const clockA = { offset: 0 };
  const a = await replica(clockA);
  const b = await replica({ offset: 0 });
  expect(b.breakerOf(key, settings).isAvailable(b.now())).toBe(true);

  // Two failures on A open its circuit; B stops sending to the deployment without having seen a failure itself.
  const breakerA = a.breakerOf(key, settings);
  a.noteCircuit(primary, breakerA.onFailure(a.now(), "upstream_error"), settings.cooldown_ms);
  expect(breakerA.state).toBe("closed");
  a.noteCircuit(primary, breakerA.onFailure(a.now(), "upstream_error"), settings.cooldown_ms);
  expect(breakerA.state).toBe("open");
  await eventually(() => b.breakerOf(key, settings).state === "open");
  expect(b.breakerOf(key, settings).isAvailable(b.now())).toBe(false);
  expect(b.events.at(-1)).toMatchObject({ deployment: "primary", kind: "circuit", state: "open", reason: "on another replica: 2 consecutive failures (last: upstream_error)" });
  // A's own timeline has its change once, not echoed back.
  expect(a.events.filter((event) => event.kind === "circuit")).toHaveLength(1);

  // A replica that starts now reads the open circuit from Redis, before it ever had a breaker for the deployment.
  const c = await replica({ offset: 0 });
  expect(c.breakerOf(key, settings).isAvailable(c.now())).toBe(false);

  // After the cooldown A lets one probe through; its success closes the circuit on every replica.
  clockA.offset = settings.cooldown_ms + 1;
  expect(breakerA.allows(a.now()).allowed).toBe(true);
  a.noteCircuit(primary, breakerA.onSuccess(), settings.cooldown_ms);
  await eventually(() => b.breakerOf(key, settings).state === "closed" && c.breakerOf(key, settings).state === "closed");
  expect(b.breakerOf(key, settings).isAvailable(b.now())).toBe(true);

  // A closed circuit leaves nothing behind: a replica started now starts closed.
  const d = await replica({ offset: 0 });
  expect(d.breakerOf(key, settings).state).toBe("closed");
});

test("a 429 cool-down on one replica passes the deployment over on the others until it ends", async () => {
  const a = await replica({ offset: 0 });
  const b = await replica({ offset: 0 });
  expect(b.isCooling("model-b")).toBe(false);
  a.coolDown({ ...primary, key: "model-b", deployment: "secondary" }, a.now() + 30_000, "429 from the provider: passed over for 30000 ms");
  await eventually(() => b.isCooling("model-b"));
  // Ended cool-downs are not applied.
  a.coolDown({ ...primary, key: "model-c", deployment: "third" }, a.now() - 1, "429 from the provider: passed over for 0 ms");
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(b.isCooling("model-c")).toBe(false);
});
