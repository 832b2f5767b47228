/** POST /v1/feedback against the real PostgreSQL: who may rate a request, idempotency per (request, metric), errors. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import type { KeyEntry } from "@/server/gateway/config/config-source";
import type { GatewayRequest } from "@/server/gateway/contract";
import type { GatewayDeps } from "@/server/gateway/deps";
import { createDatabaseFeedbackStore } from "@/server/gateway/feedback/database-feedback-store";
import { submitFeedback } from "@/server/gateway/feedback/submit-feedback";
import { buildWorld, freshExperiment, freshKey, freshTeam, type World } from "@/server/admin/__tests__/matrix-world";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;
let experimentId: string;
const requestId = "req_0123456789abcdef01234567";
const keys: Record<"maker" | "teammate" | "stranger", KeyEntry> = {} as never;

const asKey = (id: string, orgId: string, teamId: string | null) => ({ id, orgId, teamId }) as KeyEntry;
const call = (key: KeyEntry, body: unknown) =>
  submitFeedback({ method: "POST", path: "/v1/feedback", header: () => undefined, readJson: async () => ({ ok: true, value: body }), signal: new AbortController().signal } as GatewayRequest, key, { feedback: createDatabaseFeedbackStore(world.db, { retryAfterMs: 1 }) } as GatewayDeps, "req_feedbackcall");

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  database = await createTestDatabase();
  world = await buildWorld(database.handle.db);
  experimentId = await freshExperiment(world, "running");
  const otherTeam = await freshTeam(world);
  keys.maker = asKey(await freshKey(world, { teamId: world.teamId }), world.orgId, world.teamId);
  keys.teammate = asKey(await freshKey(world, { teamId: world.teamId }), world.orgId, world.teamId);
  keys.stranger = asKey(await freshKey(world, { teamId: otherTeam }), world.orgId, otherTeam);
  const now = new Date();
  await insertUsageRows(world.db, [{ id: requestId, orgId: world.orgId, keyId: keys.maker.id, teamId: world.teamId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 5, startedAt: now, endedAt: now, experimentId, variant: "b" }]);
});
afterAll(async () => database?.drop());

const rows = () => executeRows<{ metric: string; value: number | null; comment: string | null; variant: string | null; experiment_id: string }>(world.db, sql`select metric, value, comment, variant, experiment_id from request_feedback where request_id = ${requestId} order by metric`);

describe("who may rate", () => {
  test("the key that made the request: each metric a row, with the request's experiment and variant", async () => {
    const response = await call(keys.maker, { request_id: requestId, score: 4, thumbs: "up", task_completed: true, comment: "good" });
    expect(response).toMatchObject({ status: 200, body: { object: "feedback", request_id: requestId, recorded: expect.arrayContaining(["score", "thumbs", "task_completed", "comment"]) } });
    expect(await rows()).toEqual([
      { metric: "comment", value: null, comment: "good", variant: "b", experiment_id: experimentId },
      { metric: "score", value: 4, comment: null, variant: "b", experiment_id: experimentId },
      { metric: "task_completed", value: 1, comment: null, variant: "b", experiment_id: experimentId },
      { metric: "thumbs", value: 1, comment: null, variant: "b", experiment_id: experimentId },
    ]);
  });

  test("a repeat replaces the value of that metric only (latest wins, no second row)", async () => {
    expect((await call(keys.maker, { request_id: requestId, thumbs: "down" })).status).toBe(200);
    const after = await rows();
    expect(after).toHaveLength(4);
    expect(after.find((row) => row.metric === "thumbs")?.value).toBe(0);
    expect(after.find((row) => row.metric === "score")?.value).toBe(4);
  });

  test("a key of the same team may rate it", async () => {
    expect((await call(keys.teammate, { request_id: requestId, score: 2 })).status).toBe(200);
    expect((await rows()).find((row) => row.metric === "score")?.value).toBe(2);
  });

  test("another team's key gets the same 404 as an unknown id, and nothing changes", async () => {
    const before = await rows();
    const refused = await call(keys.stranger, { request_id: requestId, score: 0 });
    const unknown = await call(keys.maker, { request_id: "req_ffffffffffffffffffffffff", score: 0 });
    expect(refused).toMatchObject({ status: 404, body: { error: { code: "not_found", type: "invalid_request_error" } } });
    expect(unknown.status).toBe(404);
    expect((refused as { body: unknown }).body).toEqual((unknown as { body: unknown }).body);
    expect(await rows()).toEqual(before);
  });
});

describe("bad bodies are 400s naming the field", () => {
  test.each([
    [{ request_id: "chatcmpl-1", score: 1 }, "request_id"],
    [{ request_id: requestId, thumbs: "sideways" }, "thumbs"],
    [{ request_id: requestId, task_completed: "yes" }, "task_completed"],
    [{ request_id: requestId, comment: "x".repeat(2001) }, "comment"],
    [{ request_id: requestId, score: 1, extra: true }, null],
    [{ request_id: requestId }, null],
  ])("%j", async (body, param) => {
    const response = await call(keys.maker, body);
    expect(response).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error", code: "invalid_value", param } } });
  });
});

test("a ledger row written after the first look is found on the retry (batched usage writes)", async () => {
  const late = "req_abcdefabcdefabcdefabcdef";
  const store = createDatabaseFeedbackStore(world.db, {
    retryAfterMs: 1,
    flushUsage: async () => {
      const now = new Date();
      await insertUsageRows(world.db, [{ id: late, orgId: world.orgId, keyId: keys.maker.id, teamId: world.teamId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 5, startedAt: now, endedAt: now }]);
    },
  });
  expect(await store.rate({ key: keys.maker, requestId: late, entries: [{ metric: "thumbs", value: 1, comment: null }] })).toEqual(["thumbs"]);
});
