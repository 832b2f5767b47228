/**
 * Scheduled exports on the real PostgreSQL, against a local webhook receiver: the month that has ended in the org's
 * time zone is delivered once however many runners (each with its own pool) race for it; a failed attempt is retried
 * after its backoff under the same idempotency key and gives up after the last one; the file is signed like budget
 * webhooks; the recorded error never quotes the webhook's URL; "Send now" delivers again under a new key.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows, openDatabase, type DatabaseHandle } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertTeam } from "@/db/queries/teams";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { createExportSchedule, getExportSchedule, sendExportNow } from "@/server/admin/export-schedules";
import type { Actor } from "@/server/admin/service-result";
import { usageReportFor } from "@/server/admin/reports";
import { signWebhook } from "@/server/gateway/budget/alerts";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { parseCsv } from "@/server/reports/__tests__/parse-csv";
import { runExportDeliveries } from "../export-runner";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let second: DatabaseHandle;
let finance: Actor;
let server: Server;
let base: string;
const received: Received[] = [];
/** Statuses the receiver answers with, in order; then 200. */
let answers: number[] = [];
let delayMs = 0;
const SECRET = "export-signing-secret-0123456789";
const options = { allowPrivateHosts: "127.0.0.1", signingSecret: SECRET, backoffMs: [60_000, 300_000] };

function row(id: string, at: string, cost: string, teamId: string | null): UsageRow {
  return { id, orgId: finance.orgId, teamId, provider: "openai", endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, inputTokens: 10, outputTokens: 5, costUsd: cost, startedAt: new Date(at), endedAt: new Date(at) };
}

async function schedule(input: { name: string; format: "csv" | "focus"; path: string; group_by?: "team" | "model" }): Promise<string> {
  const created = await createExportSchedule(database.handle.db, finance, { ...input, webhook_url: `${base}${input.path}` });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

async function deliveries(scheduleId: string) {
  const result = await getExportSchedule(database.handle.db, finance, scheduleId);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.deliveries;
}

async function disableAll(): Promise<void> {
  await executeRows(database.handle.db, sql`update export_schedules set enabled = false`);
}

const at = (iso: string) => () => new Date(iso);

beforeAll(async () => {
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "127.0.0.1";
  database = await createTestDatabase();
  second = await openDatabase({ databaseUrl: database.url, max: 5 });
  const orgId = await ensureDefaultOrg(database.handle.db);
  finance = { orgId, id: "user:finance", role: "finance" };
  const research = (await insertTeam(database.handle.db, { orgId, name: "Research" })).id;
  const ops = (await insertTeam(database.handle.db, { orgId, name: "Ops, \"EU\"" })).id;
  await insertUsageRows(database.handle.db, [
    row("nov_1", "2026-11-01T02:00:00Z", "1.250000000001", research),
    row("nov_2", "2026-11-15T10:00:00Z", "2.000000000002", ops),
    row("nov_3", "2026-11-30T23:00:00Z", "0.000000000007", null),
    row("dec_1", "2026-12-02T10:00:00Z", "0.500000000000", research),
  ]);
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      setTimeout(() => {
        response.statusCode = answers.shift() ?? 200;
        response.end("ok");
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await second?.close();
  await database?.drop();
});

describe("scheduled exports", () => {
  test("two runners racing deliver each schedule's ended month once", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, index) => schedule({ name: `race ${index}`, format: index % 2 ? "focus" : "csv", path: `/race/${index}` })));
    received.length = 0;
    delayMs = 150;
    const clock = at("2026-12-07T12:00:00Z");
    const passes = await Promise.all([runExportDeliveries(database.handle.db, { ...options, clock }), runExportDeliveries(second.db, { ...options, clock }), runExportDeliveries(second.db, { ...options, clock })]);
    expect(passes.reduce((sum, pass) => sum + pass.created, 0)).toBe(6);
    expect(passes.reduce((sum, pass) => sum + pass.delivered, 0)).toBe(6);
    expect(received.map((entry) => entry.path).sort()).toEqual(ids.map((_, index) => `/race/${index}`).sort());
    expect(new Set(received.map((entry) => entry.headers["idempotency-key"])).size).toBe(6);
    for (const id of ids) expect(await deliveries(id)).toMatchObject([{ period: "2026-11", status: "delivered", attempts: 1, response_status: 200 }]);
    // Later passes find nothing to do: November is delivered, December has not ended.
    const again = await Promise.all([runExportDeliveries(database.handle.db, { ...options, clock }), runExportDeliveries(second.db, { ...options, clock })]);
    expect(again).toEqual([
      { created: 0, delivered: 0, failed: 0 },
      { created: 0, delivered: 0, failed: 0 },
    ]);
    expect(received).toHaveLength(6);
    delayMs = 0;
    await disableAll();
  });

  test("the file is signed like budget webhooks, names its period, and its rows sum to the report's total", async () => {
    const id = await schedule({ name: "csv by team", format: "csv", path: "/csv", group_by: "team" });
    received.length = 0;
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-07T12:00:00Z") });
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    expect(headers).toMatchObject({ "content-type": "text/csv; charset=utf-8", "x-modelgate-export-period": "2026-11", "x-modelgate-export-format": "csv", "x-modelgate-export-schedule": id });
    expect(headers["x-modelgate-signature"]).toBe(signWebhook(SECRET, String(headers["x-modelgate-timestamp"]), body));
    expect(Number(headers["content-length"])).toBe(Buffer.byteLength(body));
    const records = parseCsv(body);
    expect(Number(headers["x-modelgate-export-rows"])).toBe(records.length);
    const groups = records.filter((record) => record.row_type === "group");
    const total = records.find((record) => record.row_type === "total")!;
    expect(picosToDecimal(groups.reduce((sum, record) => sum + decimalToPicos(record.cost_usd), 0n))).toBe(total.cost_usd);
    const report = await usageReportFor(database.handle.db, finance, { month: "2026-11", group_by: "team" });
    expect(report.ok && report.value.totals.costUsd).toBe(total.cost_usd);
    expect(total.cost_usd).toBe("3.250000000010");
    const [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: "delivered", rows: records.length, bytes: Buffer.byteLength(body) });
    await disableAll();
  });

  test("a failed attempt is retried after its backoff with the same key, and gives up after the last", async () => {
    const id = await schedule({ name: "flaky", format: "focus", path: "/hooks/T000/secret-token-123?sig=abc" });
    received.length = 0;
    answers = [500];
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-07T12:00:00Z") });
    let [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, response_status: 500, last_error: "the webhook answered HTTP 500", next_attempt_at: "2026-12-07T12:01:00.000Z" });
    // Not due yet: nothing is sent.
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-07T12:00:59Z") });
    expect(received).toHaveLength(1);
    await runExportDeliveries(second.db, { ...options, clock: at("2026-12-07T12:01:00Z") });
    [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2, last_error: null });
    expect(received).toHaveLength(2);
    expect(received[1].headers["idempotency-key"]).toBe(received[0].headers["idempotency-key"]);
    expect(received[1].body).toBe(received[0].body);
    expect(received[1].headers["x-focus-version"]).toBe("1.2");

    // "Send now": a new key, attempts start over; every attempt failing ends failed after the last backoff.
    answers = [503, 503, 503];
    const sent = await sendExportNow(database.handle.db, finance, id, "2026-11", new Date("2026-12-07T13:00:00Z"));
    expect(sent).toMatchObject({ ok: true, value: { status: "pending", attempts: 0 } });
    for (const time of ["2026-12-07T13:00:00Z", "2026-12-07T13:01:00Z", "2026-12-07T13:06:00Z"]) await runExportDeliveries(database.handle.db, { ...options, clock: at(time) });
    [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ status: "failed", attempts: 3, response_status: 503 });
    expect(received.slice(2).map((entry) => entry.headers["idempotency-key"])).toEqual(Array(3).fill(delivery.idempotency_key));
    expect(delivery.idempotency_key).not.toBe(received[0].headers["idempotency-key"]);
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-08T13:00:00Z") });
    expect(received).toHaveLength(5);
    expect(JSON.stringify(await deliveries(id))).not.toMatch(/secret-token|sig=abc|127\.0\.0\.1/);
    const view = await getExportSchedule(database.handle.db, finance, id);
    expect(view.ok && view.value.webhook_url).toBe(`${base}/…`);
    const audit = await executeRows<{ after: unknown }>(database.handle.db, sql`select after from audit_log where target_id = ${id}`);
    expect(JSON.stringify(audit)).not.toContain("secret-token");
    await disableAll();
  });

  test("a receiver that cannot be reached is recorded by its error code only", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const created = await createExportSchedule(database.handle.db, finance, { name: "down", format: "csv", webhook_url: `http://127.0.0.1:${port}/hook?token=abc123` });
    if (!created.ok) throw new Error(created.error.message);
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-07T12:00:00Z") });
    const [delivery] = await deliveries(created.value.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, last_error: "network error (ECONNREFUSED)", response_status: null });
    await disableAll();
  });

  test("the month is the org's: a New York schedule delivers November once it has ended there", async () => {
    await executeRows(database.handle.db, sql`update organizations set time_zone = 'America/New_York' where id = ${finance.orgId}`);
    const id = await schedule({ name: "new york", format: "csv", path: "/ny" });
    received.length = 0;
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-01T04:59:59Z") });
    expect((await deliveries(id)).map((delivery) => delivery.period)).toEqual(["2026-10"]);
    await runExportDeliveries(database.handle.db, { ...options, clock: at("2026-12-01T05:00:00Z") });
    expect((await deliveries(id)).map((delivery) => [delivery.period, delivery.status])).toEqual([
      ["2026-11", "delivered"],
      ["2026-10", "delivered"],
    ]);
    const november = parseCsv(received.find((entry) => entry.headers["x-modelgate-export-period"] === "2026-11")!.body);
    // New York's November: from its midnight (04:00 UTC, daylight time) to December's (05:00 UTC); nov_1 at 02:00 UTC is October's.
    expect(november.find((record) => record.row_type === "total")).toMatchObject({ period_start: "2026-11-01T04:00:00.000Z", period_end: "2026-12-01T05:00:00.000Z", time_zone: "America/New_York", cost_usd: "2.000000000009" });
    await executeRows(database.handle.db, sql`update organizations set time_zone = 'UTC' where id = ${finance.orgId}`);
    await disableAll();
  });

  test("a month that has not ended, or a disabled schedule, cannot be sent; a viewer manages nothing", async () => {
    const id = await schedule({ name: "guard", format: "csv", path: "/guard" });
    expect(await sendExportNow(database.handle.db, finance, id, "2026-12", new Date("2026-12-07T12:00:00Z"))).toMatchObject({ ok: false, error: { code: "invalid", field: "period" } });
    await executeRows(database.handle.db, sql`update export_schedules set enabled = false where id = ${id}`);
    expect(await sendExportNow(database.handle.db, finance, id, "2026-11", new Date("2026-12-07T12:00:00Z"))).toMatchObject({ ok: false, error: { code: "conflict", field: "enabled" } });
    const viewer: Actor = { ...finance, role: "viewer" };
    expect(await sendExportNow(database.handle.db, viewer, id, "2026-11")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await getExportSchedule(database.handle.db, viewer, id)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await createExportSchedule(database.handle.db, finance, { name: "metadata", format: "csv", webhook_url: "http://169.254.169.254/latest" })).toMatchObject({ ok: false, error: { code: "invalid", field: "webhook_url" } });
    await disableAll();
  });
});
