/** The guardrail evaluator against the real PostgreSQL, with a fixed clock: thresholds, one decision among racing replicas. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { findExperiment, insertExperiment } from "@/db/queries/experiments";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import type { ExperimentGuardrails } from "@/db/schema/experiments";
import { buildWorld, unique, type World } from "@/server/admin/__tests__/matrix-world";
import { evaluateGuardrails } from "../guardrails";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;
const clock = new Date("2026-12-07T12:00:00.000Z");

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  database = await createTestDatabase();
  world = await buildWorld(database.handle.db);
});
afterAll(async () => database?.drop());

async function experimentWith(guardrails: ExperimentGuardrails, traffic: { variant: string; count: number; errors: number; latencyMs: number }[]): Promise<string> {
  const row = await insertExperiment(world.db, {
    orgId: world.orgId,
    name: unique("guarded"),
    model: world.modelName,
    status: "running",
    updatedAt: new Date(),
    guardrails,
    variants: [{ name: "control", weight: 50, target: world.modelName }, { name: "b", weight: 50, target: world.modelName }],
  });
  const rows: UsageRow[] = traffic.flatMap(({ variant, count, errors, latencyMs }) =>
    Array.from({ length: count }, (_, index) => ({
      id: unique("req"), orgId: world.orgId, keyId: world.keyId, endpoint: "/v1/chat/completions", status: index < errors ? "error" : "success", httpStatus: index < errors ? 502 : 200,
      latencyMs, startedAt: clock, endedAt: clock, experimentId: row.id, variant,
    })),
  );
  await insertUsageRows(world.db, rows);
  return row.id;
}

test("a variant over the error-rate threshold is rolled back once, with its reason in the events and the audit log", async () => {
  const id = await experimentWith({ max_error_rate: 0.2, min_requests: 10 }, [{ variant: "control", count: 20, errors: 1, latencyMs: 100 }, { variant: "b", count: 20, errors: 10, latencyMs: 100 }]);
  // Three replicas evaluating at the same moment: one of them makes the decision.
  const passes = await Promise.all([evaluateGuardrails(world.db, clock), evaluateGuardrails(world.db, clock), evaluateGuardrails(world.db, clock)]);
  expect(passes.flat().filter((made) => made.experimentId === id)).toHaveLength(1);
  const row = (await findExperiment(world.db, world.orgId, id))!;
  expect(row.variants.map((variant) => [variant.name, variant.weight])).toEqual([["control", 100], ["b", 0]]);
  expect(row.events).toEqual([{ at: clock.toISOString(), type: "rollback", variant: "b", by: "guardrail", reason: "error rate 50.0 % over 20 requests exceeds the guardrail of 20.0 %" }]);
  const audit = await executeRows<{ action: string; actor: string }>(world.db, sql`select action, actor from audit_log where target_id = ${id}`);
  expect(audit).toEqual([{ action: "experiment.rollback", actor: "system" }]);
  // A later pass finds nothing left to roll back.
  expect((await evaluateGuardrails(world.db, clock)).filter((made) => made.experimentId === id)).toEqual([]);
});

test("a p95 latency above the ratio to the control's is rolled back", async () => {
  const id = await experimentWith({ max_p95_latency_ratio: 1.5, min_requests: 10 }, [{ variant: "control", count: 12, errors: 0, latencyMs: 200 }, { variant: "b", count: 12, errors: 0, latencyMs: 500 }]);
  const made = (await evaluateGuardrails(world.db, clock)).filter((entry) => entry.experimentId === id);
  expect(made).toEqual([{ experimentId: id, variant: "b", reason: "p95 latency 500 ms is 2.50× the control's 200 ms (guardrail 1.5×)" }]);
});

test("below min_requests, or within the thresholds, nothing changes", async () => {
  const few = await experimentWith({ max_error_rate: 0.1, min_requests: 50 }, [{ variant: "control", count: 20, errors: 0, latencyMs: 100 }, { variant: "b", count: 20, errors: 20, latencyMs: 100 }]);
  const fine = await experimentWith({ max_error_rate: 0.5, max_p95_latency_ratio: 2, min_requests: 10 }, [{ variant: "control", count: 20, errors: 2, latencyMs: 100 }, { variant: "b", count: 20, errors: 3, latencyMs: 150 }]);
  const made = await evaluateGuardrails(world.db, clock);
  expect(made.filter((entry) => entry.experimentId === few || entry.experimentId === fine)).toEqual([]);
  for (const id of [few, fine]) expect((await findExperiment(world.db, world.orgId, id))!.variants.map((variant) => variant.weight)).toEqual([50, 50]);
});
