/** The bandit pass against the real PostgreSQL: a split from stored outcomes, one decision among racing replicas, the schedule. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { findExperiment, insertExperiment } from "@/db/queries/experiments";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { buildWorld, unique, type World } from "@/server/admin/__tests__/matrix-world";
import { runBanditPass } from "../bandit";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;
const clock = new Date("2026-12-07T12:00:00.000Z");
const minute = 60_000;

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  database = await createTestDatabase();
  world = await buildWorld(database.handle.db);
});
afterAll(async () => database?.drop());

async function banditExperiment(traffic: { variant: string; count: number; errors: number }[]): Promise<string> {
  const row = await insertExperiment(world.db, {
    orgId: world.orgId,
    name: unique("bandit"),
    model: world.modelName,
    status: "running",
    updatedAt: new Date(),
    bandit: { reward: "success", min_share: 10 },
    variants: [{ name: "control", weight: 50, target: world.modelName }, { name: "b", weight: 50, target: world.modelName }],
  });
  const rows: UsageRow[] = traffic.flatMap(({ variant, count, errors }) =>
    Array.from({ length: count }, (_, index) => ({
      id: unique("req"), orgId: world.orgId, keyId: world.keyId, endpoint: "/v1/chat/completions", status: index < errors ? "error" : "success", httpStatus: index < errors ? 502 : 200,
      latencyMs: 100, startedAt: clock, endedAt: clock, experimentId: row.id, variant,
    })),
  );
  await insertUsageRows(world.db, rows);
  return row.id;
}

test("the split follows the stored outcomes; three replicas at once make one change, recorded as an event and audited", async () => {
  const id = await banditExperiment([{ variant: "control", count: 100, errors: 50 }, { variant: "b", count: 100, errors: 10 }]);
  const passes = await Promise.all([0, 1, 2].map(() => runBanditPass(world.db, clock, { intervalMs: minute, draws: 2000 })));
  expect(passes.flat().filter((made) => made.experimentId === id)).toHaveLength(1);
  const row = (await findExperiment(world.db, world.orgId, id))!;
  expect(row.variants.map((variant) => variant.weight)).toEqual([10, 90]);
  expect(row.splitAt?.toISOString()).toBe(clock.toISOString());
  expect(row.events).toHaveLength(1);
  expect(row.events[0]).toMatchObject({ type: "split", variant: "b", by: "bandit", at: clock.toISOString() });
  expect(row.events[0].reason).toMatch(/^thompson sampling on success: control 50 → 10 %, b 50 → 90 % \(control 50\/100, P\(best\) 0\.00; b 90\/100, P\(best\) 1\.00\)$/);
  const audit = await executeRows<{ action: string; actor: string }>(world.db, sql`select action, actor from audit_log where target_id = ${id}`);
  expect(audit).toEqual([{ action: "experiment.split", actor: "system" }]);

  // Within the interval nothing is recomputed; after it, an unchanged split writes no event.
  await insertUsageRows(world.db, Array.from({ length: 200 }, () => ({ id: unique("req"), orgId: world.orgId, keyId: world.keyId, endpoint: "/v1/chat/completions", status: "error", httpStatus: 502, latencyMs: 100, startedAt: clock, endedAt: clock, experimentId: id, variant: "b" })));
  expect((await runBanditPass(world.db, new Date(clock.getTime() + 30_000), { intervalMs: minute })).filter((made) => made.experimentId === id)).toEqual([]);
  expect((await findExperiment(world.db, world.orgId, id))!.variants.map((variant) => variant.weight)).toEqual([10, 90]);
  // b is now 90/300 against control's 50/100: the next interval moves the split back.
  const later = new Date(clock.getTime() + minute);
  expect((await runBanditPass(world.db, later, { intervalMs: minute, draws: 2000 })).filter((made) => made.experimentId === id)).toMatchObject([{ weights: [90, 10] }]);
  expect((await findExperiment(world.db, world.orgId, id))!.events.map((event) => event.variant)).toEqual(["b", "control"]);
});

test("paused and non-bandit experiments are left alone", async () => {
  const id = await banditExperiment([{ variant: "control", count: 100, errors: 50 }, { variant: "b", count: 100, errors: 10 }]);
  await world.db.execute(sql`update experiments set status = 'paused' where id = ${id}`);
  expect((await runBanditPass(world.db, clock, { intervalMs: minute })).filter((made) => made.experimentId === id)).toEqual([]);
});
