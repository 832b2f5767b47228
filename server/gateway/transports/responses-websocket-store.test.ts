import { describe, expect, test } from "vitest";
import { createMemoryResponseStore, type StoredResponse } from "../inbound/responses/response-store";
import { createConnectionResponseStore } from "./responses-websocket-store";

const record = (id: string, text = "hi", keyId = "k"): StoredResponse => ({
  id,
  orgId: "o",
  keyId,
  model: "m",
  messages: [{ role: "user", content: text }],
  createdAt: new Date(),
  expiresAt: new Date(Date.now() + 60_000),
});

describe("createConnectionResponseStore", () => {
  test("remember keeps only the latest response, in memory only", async () => {
    const persistent = createMemoryResponseStore();
    const connection = createConnectionResponseStore(persistent);
    connection.remember!(record("resp_1"));
    connection.remember!(record("resp_2"));
    expect(await connection.find("o", "k", "resp_1")).toBeUndefined();
    expect((await connection.find("o", "k", "resp_2"))?.id).toBe("resp_2");
    expect(persistent.records.size).toBe(0);
  });

  test("save writes through and older stored responses come from the persistent store", async () => {
    const persistent = createMemoryResponseStore();
    const connection = createConnectionResponseStore(persistent);
    await connection.save(record("resp_a"));
    connection.remember!(record("resp_b"));
    expect((await connection.find("o", "k", "resp_a"))?.id).toBe("resp_a");
    expect([...persistent.records.keys()]).toEqual(["resp_a"]);
  });

  test("another key cannot read it, and a conversation over the size bound is not kept", async () => {
    const connection = createConnectionResponseStore(undefined, 100);
    connection.remember!(record("resp_x"));
    expect(await connection.find("o", "other", "resp_x")).toBeUndefined();
    connection.remember!(record("resp_big", "x".repeat(200)));
    expect(await connection.find("o", "k", "resp_big")).toBeUndefined();
    expect(await connection.find("o", "k", "resp_x")).toBeUndefined();
  });
});
