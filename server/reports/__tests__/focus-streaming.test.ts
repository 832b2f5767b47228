/**
 * A large FOCUS export streams: the ledger is read in keyset pages only as fast as the client
 * reads the file, and the live heap stays far below the size of the file (real PostgreSQL, 100,000
 * ledger rows → 200,000 FOCUS rows).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel, insertPrice } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { focusCsvFor } from "@/server/admin/report-exports";
import type { Actor } from "@/server/admin/service-result";

const ROWS = 100_000;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let actor: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  const orgId = await ensureDefaultOrg(db);
  actor = { orgId, id: "system", role: "finance" };
  const connection = await insertConnection(db, { orgId, kind: "openai", name: "openai", baseUrl: "https://api.openai.com/v1", source: "console" });
  const model = await insertModel(db, { orgId, name: "gpt-small", connectionId: connection.id, upstreamModel: "gpt-small-2026" });
  const price = await insertPrice(db, { modelId: model.id, inputPerMtok: "0.150000", outputPerMtok: "0.600000", effectiveFrom: new Date(0) });
  // 1,000 input and 100 output tokens each: 0.00015 + 0.00006 = 0.00021 dollars.
  await db.execute(sql`insert into usage_ledger (id, org_id, requested_model, served_model, provider, endpoint, status, http_status, input_tokens, output_tokens, cost_usd, list_cost_usd, price_id, latency_ms, started_at, ended_at)
    select 'req_' || n, ${orgId}, 'gpt-small', 'gpt-small-2026', 'openai', '/v1/chat/completions', 'success', 200, 1000, 100, 0.00021, 0.00021, ${price.id}, 5,
           timestamptz '2026-11-01T00:00:00Z' + n * interval '20 second', timestamptz '2026-11-01T00:00:00Z' + n * interval '20 second'
    from generate_series(1, ${ROWS}) as n`);
}, 120_000);
afterAll(async () => database?.drop());

test("a 100,000-request FOCUS export reads pages lazily and keeps the heap flat", async () => {
  let pages = 0;
  const result = await focusCsvFor(database.handle.db, actor, { month: "2026-11", group_by: "team" }, { pageSize: 1000, onPage: () => pages++ });
  if (!result.ok) throw new Error(result.error.message);
  expect(result.value.headers["x-ledger-rows"]).toBe(String(ROWS));
  const reader = result.value.stream.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The consumer has read one chunk: only the pages needed to fill the stream buffers were fetched, not the 100 of the whole export.
  expect(pages).toBeLessThanOrEqual(3);

  // A forced collection before each sample: what is measured is what the export keeps alive, not garbage not yet collected.
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  collect();
  const baseline = process.memoryUsage().heapUsed;
  let nextSample = 20_000;
  let peak = baseline;
  let bytes = first.value!.byteLength;
  let newlines = 0;
  const started = Date.now();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) newlines++;
    if (newlines >= nextSample) {
      collect();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      nextSample += 20_000;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  expect(pages).toBe(ROWS / 1000 + 1);
  // Two meters (input, output) per request, plus the header line (counted in the first chunk's share too).
  expect(newlines).toBeGreaterThanOrEqual(2 * ROWS - 1);
  const growthMb = (peak - baseline) / 2 ** 20;
  console.log(`FOCUS export: ${ROWS} ledger rows → ${(bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)} s; live heap growth while streaming ${growthMb.toFixed(1)} MiB`);
  expect(bytes).toBeGreaterThan(80 * 2 ** 20);
  // The file is ~95 MiB; holding it (or its rows) would grow the live heap by far more than this.
  expect(growthMb).toBeLessThan(16);
}, 180_000);
