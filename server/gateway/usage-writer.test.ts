import { describe, expect, test } from "vitest";
import type { UsageRow } from "@/db/queries/usage-ledger";
import { UsageWriter } from "./usage-writer";

const row = (id: string, keyId = "k1"): UsageRow => ({
  id,
  orgId: "00000000-0000-0000-0000-000000000001",
  keyId,
  endpoint: "/v1/chat/completions",
  status: "success",
  httpStatus: 200,
  latencyMs: 1,
  startedAt: new Date(),
  endedAt: new Date(),
});

describe("UsageWriter", () => {
  test("writes in batches, in order", async () => {
    const written: string[][] = [];
    const writer = new UsageWriter({ write: async (rows) => void written.push(rows.map((r) => r.id)), intervalMs: 1000, maxBatch: 2 });
    for (const id of ["a", "b", "c"]) writer.record(row(id));
    await writer.flush(true);
    expect(written.flat()).toEqual(["a", "b", "c"]);
    expect(writer.pending).toBe(0);
  });

  test("keeps rows while the database is away and retries them once", async () => {
    const committed = new Map<string, number>();
    let available = false;
    const writer = new UsageWriter({
      write: async (rows) => {
        if (!available) throw new Error("connection refused");
        for (const r of rows) committed.set(r.id, (committed.get(r.id) ?? 0) + 1);
      },
      intervalMs: 1000,
      maxBackoffMs: 1,
    });
    writer.record(row("a"));
    writer.record(row("b"));
    await writer.flush(true);
    expect(writer.pending).toBe(2);
    available = true;
    await writer.flush(true);
    expect([...committed]).toEqual([["a", 1], ["b", 1]]);
    expect(writer.pending).toBe(0);
  });

  test("stop() flushes what is queued", async () => {
    const written: string[] = [];
    const writer = new UsageWriter({ write: async (rows) => void written.push(...rows.map((r) => r.id)), intervalMs: 60_000 });
    writer.start();
    writer.record(row("x"));
    await writer.stop(1000);
    expect(written).toEqual(["x"]);
  });

  test("touches each used key once per minute at most", async () => {
    const touched: string[][] = [];
    const writer = new UsageWriter({ write: async () => {}, touchKeys: async (ids) => void touched.push(ids), intervalMs: 1000 });
    writer.record(row("a", "k1"));
    writer.record(row("b", "k1"));
    writer.record(row("c", "k2"));
    await writer.flush(true);
    writer.record(row("d", "k1"));
    await writer.flush(true);
    expect(touched).toEqual([["k1", "k2"]]);
  });
});
