import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel, insertPrice } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
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
