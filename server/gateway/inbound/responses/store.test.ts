import { afterAll, beforeAll, expect, test } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { RESPONSE_TTL_MS, type StoredResponse } from "./response-store";
import { createDatabaseResponseStore } from "./store";

/** The database ResponseStore on the local PostgreSQL, migrated with the real migrations. */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: DatabaseHandle;
const ORG = "00000000-0000-4000-8000-000000000001";
const KEY = "00000000-0000-4000-8000-0000000000aa";

beforeAll(async () => {
  database = await createTestDatabase();
  handle = database.handle;
}, 30_000);
afterAll(() => database?.drop());

const record = (id: string, overrides: Partial<StoredResponse> = {}): StoredResponse => ({
  id,
  orgId: ORG,
  keyId: KEY,
  model: "mini",
  messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }],
  createdAt: new Date("2026-01-01T00:00:00Z"),
  expiresAt: new Date(Date.now() + RESPONSE_TTL_MS),
  ...overrides,
});

test("a saved response is found by id, org and key only", async () => {
  const store = createDatabaseResponseStore(handle.db);
  const saved = record("resp_1");
  await store.save(saved);
  expect(await store.find(ORG, KEY, "resp_1")).toEqual(saved);
  expect(await store.find(ORG, "00000000-0000-4000-8000-0000000000bb", "resp_1")).toBeUndefined();
  expect(await store.find("00000000-0000-4000-8000-000000000002", KEY, "resp_1")).toBeUndefined();
  expect(await store.find(ORG, KEY, "resp_2")).toBeUndefined();
});

test("an expired response is gone", async () => {
  const store = createDatabaseResponseStore(handle.db);
  await store.save(record("resp_old", { expiresAt: new Date(Date.now() - 1000) }));
  expect(await store.find(ORG, KEY, "resp_old")).toBeUndefined();
});

test("a find right after an unawaited save waits for it", async () => {
  const store = createDatabaseResponseStore(handle.db);
  void store.save(record("resp_fast"));
  expect(await store.find(ORG, KEY, "resp_fast")).toMatchObject({ id: "resp_fast", model: "mini" });
});
