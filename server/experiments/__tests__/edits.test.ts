/** Scope validation, versioned edits and restores of experiments against the real PostgreSQL; the snapshot sees them. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { findExperiment } from "@/db/queries/experiments";
import { restoreExperimentVersion, updateExperiment, getExperimentVersions } from "@/server/admin/experiment-edits";
import { createExperiment, createExperimentInputSchema, setExperimentStatus } from "@/server/admin/experiments";
import { buildWorld, freshKey, unique, type World } from "@/server/admin/__tests__/matrix-world";
import { createStaticConfigSource } from "@/server/gateway/config/config-source";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;
const encryptionKey = Buffer.alloc(32, 7);

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= encryptionKey.toString("base64");
  database = await createTestDatabase();
  world = await buildWorld(database.handle.db);
});
afterAll(async () => database?.drop());

const admin = () => world.actors.admin;
const create = (extra: Record<string, unknown> = {}) =>
  createExperiment(world.db, admin(), createExperimentInputSchema.parse({ name: unique("edit"), model: world.modelName, variants: [{ name: "control", weight: 50, target: world.modelName }, { name: "b", weight: 50, target: world.modelName }], ...extra }));
const snapshot = async () => createStaticConfigSource(await loadSnapshot(world.db, encryptionKey, new Set(["openai", "anthropic"])));
const auditActions = async (id: string) => (await executeRows<{ action: string }>(world.db, sql`select action from audit_log where target_id = ${id} order by created_at, id`)).map((row) => row.action);

describe("scope", () => {
  test("keys and teams of the org are kept; the running experiment's snapshot entry carries them as sets", async () => {
    const created = await create({ scope: { key_ids: [world.keyId, world.keyId], team_ids: [world.teamId] } });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.scope).toEqual({ key_ids: [world.keyId], team_ids: [world.teamId] });
    expect((await setExperimentStatus(world.db, admin(), created.value.id, "running")).ok).toBe(true);
    const entry = (await snapshot()).findExperiment!(world.orgId, world.modelName)!;
    expect([...entry.scope!.keyIds]).toEqual([world.keyId]);
    expect([...entry.scope!.teamIds]).toEqual([world.teamId]);
    await setExperimentStatus(world.db, admin(), created.value.id, "stopped");
  });

  test.each([
    ["a key id of no key", { key_ids: ["00000000-0000-4000-8000-000000000001"] }, "scope.key_ids.0", "scope.key_ids: 00000000-0000-4000-8000-000000000001 names no key of the organization."],
    ["a team id of no team", { team_ids: ["00000000-0000-4000-8000-000000000002"] }, "scope.team_ids.0", "scope.team_ids: 00000000-0000-4000-8000-000000000002 names no team of the organization."],
  ])("%s is refused naming the field", async (_name, scope, field, message) => {
    const result = await create({ scope });
    expect(result).toEqual({ ok: false, error: { code: "invalid", message, field } });
  });

  test("not a uuid is a schema error", () => {
    expect(createExperimentInputSchema.safeParse({ name: "x", model: "m", variants: [{ name: "a", weight: 50, target: "m" }, { name: "b", weight: 50, target: "m" }], scope: { key_ids: ["nope"] } }).success).toBe(false);
  });
});

describe("edits", () => {
  test("weights, guardrails and scope change as new versions, each audited; restore brings an old one back as a newer one", async () => {
    const created = await create();
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    expect(created.value.version).toBe(1);
    const otherKey = await freshKey(world);
    const edited = await updateExperiment(world.db, admin(), id, { weights: { control: 70, b: 30 }, guardrails: { max_error_rate: 0.1, min_requests: 50 }, scope: { key_ids: [otherKey], team_ids: [] } });
    if (!edited.ok) throw new Error(edited.error.message);
    expect(edited.value).toMatchObject({ version: 2, variants: [{ name: "control", weight: 70 }, { name: "b", weight: 30 }], guardrails: { max_error_rate: 0.1, min_requests: 50 }, scope: { key_ids: [otherKey], team_ids: [] } });
    expect((await setExperimentStatus(world.db, admin(), id, "running")).ok).toBe(true);
    const running = await updateExperiment(world.db, admin(), id, { weights: { control: 60, b: 40 }, note: "more to b" });
    expect(running.ok && running.value.version).toBe(3);
    const versions = await getExperimentVersions(world.db, admin(), id);
    expect(versions.ok && versions.value.map((version) => [version.version, version.note, version.variants.map((variant) => variant.weight)])).toEqual([
      [3, "more to b", [60, 40]],
      [2, "edited", [70, 30]],
      [1, "created", [50, 50]],
    ]);
    const restored = await restoreExperimentVersion(world.db, admin(), id, 1);
    if (!restored.ok) throw new Error(restored.error.message);
    expect(restored.value).toMatchObject({ version: 4, variants: [{ weight: 50 }, { weight: 50 }], guardrails: { min_requests: 30 }, scope: { key_ids: [], team_ids: [] } });
    expect((await snapshot()).findExperiment!(world.orgId, world.modelName)).toMatchObject({ id, variants: [{ weight: 50 }, { weight: 50 }] });
    expect((await snapshot()).findExperiment!(world.orgId, world.modelName)!.scope).toBeUndefined();
    expect(await auditActions(id)).toEqual(["experiment.create", "experiment.update", "experiment.start", "experiment.update", "experiment.restore"]);
    expect(await restoreExperimentVersion(world.db, admin(), id, 9)).toEqual({ ok: false, error: { code: "not_found", message: "The experiment has no version 9." } });
    await setExperimentStatus(world.db, admin(), id, "stopped");
    expect(await updateExperiment(world.db, admin(), id, { weights: { control: 50, b: 50 } })).toMatchObject({ ok: false, error: { code: "invalid", field: "status" } });
  });

  test.each([
    ["weights not adding up to 100", { weights: { control: 60, b: 60 } }, "weights", "weights: the weights add up to 120, not 100"],
    ["an unknown variant", { weights: { control: 50, c: 50 } }, "weights.c", 'The experiment has no variant "c".'],
    ["a missing variant", { weights: { control: 100 } }, "weights.b", `weights must give every variant's weight; "b" is missing.`],
    ["weights while the bandit is on", { weights: { control: 60, b: 40 }, bandit: { reward: "success" as const, min_share: 10 } }, "weights", "The bandit sets the split while bandit mode is on: turn it off (bandit: null) to set weights."],
    ["a minimum share the variants cannot all get", { bandit: { reward: "success" as const, min_share: 60 } }, "bandit.min_share", "bandit.min_share: 2 variants cannot each keep 60 %"],
    ["a scope key of no key", { scope: { key_ids: ["00000000-0000-4000-8000-000000000003"], team_ids: [] } }, "scope.key_ids.0", "scope.key_ids: 00000000-0000-4000-8000-000000000003 names no key of the organization."],
  ])("%s is refused naming the field, and nothing changes", async (_name, changes, field, message) => {
    const created = await create();
    if (!created.ok) throw new Error(created.error.message);
    expect(await updateExperiment(world.db, admin(), created.value.id, changes)).toEqual({ ok: false, error: { code: "invalid", message, field } });
    expect((await findExperiment(world.db, world.orgId, created.value.id))!.version).toBe(1);
  });

  test("an edit made from a stale read (another edit, a rollback or a bandit split since) is a conflict", async () => {
    const created = await create();
    if (!created.ok) throw new Error(created.error.message);
    const [first, second] = await Promise.all([
      updateExperiment(world.db, admin(), created.value.id, { weights: { control: 80, b: 20 } }),
      updateExperiment(world.db, admin(), created.value.id, { weights: { control: 20, b: 80 } }),
    ]);
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    expect([first, second].find((result) => !result.ok)).toMatchObject({ error: { code: "conflict" } });
    expect((await findExperiment(world.db, world.orgId, created.value.id))!.version).toBe(2);
  });

  test("viewers cannot edit", async () => {
    const created = await create();
    if (!created.ok) throw new Error(created.error.message);
    expect(await updateExperiment(world.db, world.actors.viewer, created.value.id, { weights: { control: 80, b: 20 } })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
