import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel, insertPrice } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { createExperiment, createExperimentInputSchema, getExperiment, setExperimentStatus } from "@/server/admin/experiments";
import { createGroup, createGroupInputSchema, getGroup, restoreGroupVersion, updateGroup } from "@/server/admin/groups";
import type { Actor } from "@/server/admin/service-result";
import { createStaticConfigSource } from "@/server/gateway/config/config-source";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let admin: Actor;
const db = () => database.handle.db;
const encryptionKey = Buffer.alloc(32, 7);

async function member(role: Role): Promise<Actor> {
  const user = await insertUserWithRole(db(), { email: `${role}-${crypto.randomUUID()}@groups.test`, passwordHash: "x", orgId, role });
  return { orgId, id: `user:${user.id}`, userId: user.id, role };
}

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
  admin = await member("admin");
  const connection = await insertConnection(db(), { orgId, kind: "openai", name: "openai", baseUrl: "http://127.0.0.1:9/v1", source: "console" });
  for (const name of ["east", "west", "big"]) {
    const model = await insertModel(db(), { orgId, name, connectionId: connection.id, upstreamModel: `gpt-${name}` });
    await insertPrice(db(), { modelId: model.id, inputPerMtok: "1", outputPerMtok: "2", effectiveFrom: new Date(0) });
  }
});
afterAll(async () => database?.drop());

const create = (input: Record<string, unknown>) => createGroup(db(), admin, createGroupInputSchema.parse(input));

describe("model groups", () => {
  test("every change is a version; restoring one makes a new version with its definition; the snapshot serves the current one", async () => {
    const created = await create({ name: "chat", strategy: "weighted", deployments: [{ id: "e", model: "east", weight: 3 }, { id: "w", model: "west" }] });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value).toMatchObject({ version: 1, definition: { strategy: "weighted", fallbacks: [], retry: { max_attempts: 3, budget_ratio: 0.2 } } });
    const updated = await updateGroup(db(), admin, created.value.id, { strategy: "lowest_cost", fallbacks: ["big"] });
    expect(updated.ok && updated.value).toMatchObject({ version: 2, definition: { strategy: "lowest_cost", fallbacks: ["big"], deployments: [{ id: "e" }, { id: "w" }] } });
    const restored = await restoreGroupVersion(db(), admin, created.value.id, 1);
    expect(restored.ok && restored.value).toMatchObject({ version: 3, definition: { strategy: "weighted", fallbacks: [] } });
    const view = await getGroup(db(), admin, created.value.id);
    expect(view.ok && view.value.versions!.map((version) => [version.version, version.note, version.definition.strategy])).toEqual([
      [3, "restored version 1", "weighted"],
      [2, "updated", "lowest_cost"],
      [1, "created", "weighted"],
    ]);
    const config = createStaticConfigSource(await loadSnapshot(db(), encryptionKey, new Set(["openai"])));
    const group = config.findGroup!(orgId, "chat");
    expect(group).toMatchObject({ version: 3, definition: { strategy: "weighted" } });
    expect(group!.deployments.map((deployment) => [deployment.id, deployment.model.upstreamModel, deployment.weight])).toEqual([
      ["e", "gpt-east", 3],
      ["w", "gpt-west", 1],
    ]);
  });

  test("session affinity and per-group timeouts are kept on create and on update", async () => {
    const created = await create({ name: "tuned", deployments: [{ id: "a", model: "east" }], session_affinity: false, timeouts: { first_token_ms: 1500 } });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.definition).toMatchObject({ session_affinity: false, timeouts: { first_token_ms: 1500 } });
    const updated = await updateGroup(db(), admin, created.value.id, { session_affinity: true, timeouts: { first_token_ms: 900 } });
    expect(updated.ok && updated.value.definition).toMatchObject({ session_affinity: true, timeouts: { first_token_ms: 900 } });
    const refused = await updateGroup(db(), admin, created.value.id, { timeouts: { first_token_ms: 1 } });
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: "invalid", field: "timeouts.first_token_ms" });
  });

  const refusals: [string, Record<string, unknown>, string, string][] = [
    ["a deployment on an unknown model", { name: "g1", deployments: [{ id: "a", model: "nope" }] }, "invalid", "deployments.0.model"],
    ["a fallback to nothing", { name: "g2", deployments: [{ id: "a", model: "east" }], fallbacks: ["missing"] }, "invalid", "fallbacks.0"],
    ["a fallback to itself", { name: "g3", deployments: [{ id: "a", model: "east" }], fallbacks: ["g3"] }, "invalid", "fallbacks.0"],
    ["a model's name", { name: "east", deployments: [{ id: "a", model: "west" }] }, "conflict", "name"],
  ];
  test.each(refusals)("refuses %s", async (_label, input, code, field) => {
    const result = await create(input);
    expect(result.ok ? undefined : result.error).toMatchObject({ code, field });
  });

  test("the input schema refuses duplicate deployment ids and unknown strategies, naming the field", () => {
    const duplicate = createGroupInputSchema.safeParse({ name: "d", deployments: [{ id: "a", model: "east" }, { id: "a", model: "west" }] });
    expect(duplicate.success ? undefined : duplicate.error.issues[0].path).toEqual(["deployments", 1, "id"]);
    const strategy = createGroupInputSchema.safeParse({ name: "d", strategy: "random", deployments: [{ id: "a", model: "east" }] });
    expect(strategy.success ? undefined : strategy.error.issues[0].path).toEqual(["strategy"]);
  });

  test("a viewer reads but cannot change groups", async () => {
    const viewer = await member("viewer");
    const result = await createGroup(db(), viewer, createGroupInputSchema.parse({ name: "v", deployments: [{ id: "a", model: "east" }] }));
    expect(result.ok ? undefined : result.error.code).toBe("forbidden");
  });
});

describe("experiments", () => {
  test("draft → running (in the snapshot) → paused → stopped; results per variant from the ledger, cost exact", async () => {
    const created = await createExperiment(db(), admin, createExperimentInputSchema.parse({ name: "east vs west", model: "east", variants: [{ name: "control", weight: 50, target: "east" }, { name: "west", weight: 50, target: "west" }] }));
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.status).toBe("draft");
    const snapshot = async () => createStaticConfigSource(await loadSnapshot(db(), encryptionKey, new Set(["openai"])));
    expect((await snapshot()).findExperiment!(orgId, "east")).toBeUndefined();
    expect((await setExperimentStatus(db(), admin, created.value.id, "running")).ok).toBe(true);
    expect((await snapshot()).findExperiment!(orgId, "east")).toMatchObject({ id: created.value.id, variants: [{ name: "control" }, { name: "west" }] });
    const second = await createExperiment(db(), admin, createExperimentInputSchema.parse({ name: "another", model: "east", variants: [{ name: "a", weight: 50, target: "east" }, { name: "b", weight: 50, target: "big" }] }));
    const clash = await setExperimentStatus(db(), admin, second.ok ? second.value.id : "", "running");
    expect(clash.ok ? undefined : clash.error.code).toBe("conflict");

    const now = new Date();
    const row = (id: string, variant: string, status: string, latencyMs: number, costUsd: string) => ({ id, orgId, endpoint: "/v1/chat/completions", status, httpStatus: status === "success" ? 200 : 502, latencyMs, ttftMs: latencyMs, startedAt: now, endedAt: now, costUsd, experimentId: created.value.id, variant });
    await insertUsageRows(db(), [
      row("e1", "control", "success", 100, "0.000010000000"),
      row("e2", "control", "success", 300, "0.000020000000"),
      row("e3", "control", "error", 500, "0.000000000000"),
      row("e4", "west", "success", 50, "0.000001000000"),
    ]);
    const result = await getExperiment(db(), admin, created.value.id);
    if (!result.ok) throw new Error(result.error.message);
    // Latency percentiles count successful requests only (an error's latency is not the variant's speed); no feedback yet.
    const noFeedback = { thumbsRated: 0, thumbsUp: 0, thumbsUpRate: null, scoresRated: 0, meanScore: null, tasksRated: 0, tasksCompleted: 0, taskCompletionRate: null };
    expect(result.value.results).toMatchObject([
      { variant: "control", target: "east", weight: 50, requests: 3, errors: 1, errorRate: 1 / 3, costUsd: "0.000030000000", costPerRequestUsd: "0.000010000000", latencyP50Ms: 200, latencyP95Ms: 290, ttftP50Ms: 200, ttftP95Ms: 290, ...noFeedback },
      { variant: "west", target: "west", weight: 50, requests: 1, errors: 0, errorRate: 0, costUsd: "0.000001000000", costPerRequestUsd: "0.000001000000", latencyP50Ms: 50, latencyP95Ms: 50, ttftP50Ms: 50, ttftP95Ms: 50, ...noFeedback },
    ]);
    expect((await setExperimentStatus(db(), admin, created.value.id, "paused")).ok).toBe(true);
    expect((await snapshot()).findExperiment!(orgId, "east")).toBeUndefined();
    expect((await setExperimentStatus(db(), admin, created.value.id, "stopped")).ok).toBe(true);
    const restart = await setExperimentStatus(db(), admin, created.value.id, "running");
    expect(restart.ok ? undefined : restart.error).toMatchObject({ code: "invalid", field: "status" });
  });

  test("weights must add up to 100 and targets must exist", async () => {
    const parsed = createExperimentInputSchema.safeParse({ name: "x", model: "east", variants: [{ name: "a", weight: 60, target: "east" }, { name: "b", weight: 60, target: "west" }] });
    expect(parsed.success ? undefined : parsed.error.issues[0]).toMatchObject({ path: ["variants"], message: "the weights add up to 120, not 100" });
    const unknown = await createExperiment(db(), admin, { name: "y", model: "east", variants: [{ name: "a", weight: 50, target: "east" }, { name: "b", weight: 50, target: "nowhere" }] });
    expect(unknown.ok ? undefined : unknown.error).toMatchObject({ code: "invalid", field: "variants.1.target" });
  });
});
