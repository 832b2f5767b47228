/**
 * A large scheduled export streams (real PostgreSQL): a 50,000-request month's FOCUS file (100,000 rows, ~48 MiB) goes
 * from the database to the spool file to a local receiver that only hashes what it reads, while the live heap
 * (sampled after forced collections) grows by far less than the file; the receiver's bytes verify the signature.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { claimDueDelivery, insertDueDeliveries, insertExportSchedule } from "@/db/queries/export-schedules";
import { insertModel, insertPrice } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { deliverExport } from "../deliver-export";

const ROWS = 50_000;
const SECRET = "large-export-signing-secret-0123";
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let server: Server;
let url: string;
const seen = { bytes: 0, signatureOk: false };

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  orgId = await ensureDefaultOrg(db);
  const connection = await insertConnection(db, { orgId, kind: "openai", name: "openai", baseUrl: "https://api.openai.com/v1", source: "console" });
  const model = await insertModel(db, { orgId, name: "gpt-small", connectionId: connection.id, upstreamModel: "gpt-small-2026" });
  const price = await insertPrice(db, { modelId: model.id, inputPerMtok: "0.150000", outputPerMtok: "0.600000", effectiveFrom: new Date(0) });
  await db.execute(sql`insert into usage_ledger (id, org_id, requested_model, served_model, provider, endpoint, status, http_status, input_tokens, output_tokens, cost_usd, list_cost_usd, price_id, latency_ms, started_at, ended_at)
    select 'req_' || n, ${orgId}, 'gpt-small', 'gpt-small-2026', 'openai', '/v1/chat/completions', 'success', 200, 1000, 100, 0.00021, 0.00021, ${price.id}, 5,
           timestamptz '2026-11-01T00:00:00Z' + n * interval '40 second', timestamptz '2026-11-01T00:00:00Z' + n * interval '40 second'
    from generate_series(1, ${ROWS}) as n`);
  server = createServer((request, response) => {
    const hmac = createHmac("sha256", SECRET).update(`${request.headers["x-modelgate-timestamp"]}.`);
    request.on("data", (chunk: Buffer) => {
      seen.bytes += chunk.length;
      hmac.update(chunk);
    });
    request.on("end", () => {
      seen.signatureOk = request.headers["x-modelgate-signature"] === `sha256=${hmac.digest("hex")}`;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/finops`;
}, 120_000);
afterAll(async () => {
  server?.close();
  await database?.drop();
});

test("a 50,000-request FOCUS delivery streams with a flat heap", async () => {
  const db = database.handle.db;
  const schedule = await insertExportSchedule(db, { orgId, name: "large", format: "focus", webhookUrl: url, createdBy: "system" });
  const now = new Date("2026-12-07T12:00:00Z");
  await insertDueDeliveries(db, [{ scheduleId: schedule.id, period: "2026-11" }], now);
  const claim = (await claimDueDelivery(db, crypto.randomUUID(), now, 60_000))!;
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  collect();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => {
    collect();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 250);
  const started = Date.now();
  try {
    const outcome = await deliverExport(db, claim, { allowPrivateHosts: "127.0.0.1", signingSecret: SECRET });
    const seconds = (Date.now() - started) / 1000;
    expect(outcome).toMatchObject({ status: "delivered", responseStatus: 200, rows: 2 * ROWS });
    if (outcome.status !== "delivered") return;
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(`scheduled FOCUS delivery: ${ROWS} ledger rows → ${(outcome.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)} s; live heap growth ${growthMb.toFixed(1)} MiB`);
    expect(seen.bytes).toBe(outcome.bytes);
    expect(seen.signatureOk).toBe(true);
    expect(outcome.bytes).toBeGreaterThan(40 * 2 ** 20);
    // Holding the file (or its rows) would grow the live heap by more than the file's ~48 MiB.
    expect(growthMb).toBeLessThan(16);
  } finally {
    clearInterval(sampler);
  }
}, 180_000);
