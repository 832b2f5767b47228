/**
 * Scheduled exports end to end (README "Scheduled exports"): requests go through the gateway for real; their ledger
 * rows are moved one month back (the only thing done outside the product, as in finance.spec.ts); an owner creates a
 * CSV schedule on the Reports page and a FOCUS one over the admin API; the app's own runner (every second here)
 * delivers last month's files to a local webhook receiver, signed; each file's rows sum to the report's total; the
 * page shows the deliveries; "Send" delivers again under a new idempotency key; the switch disables a schedule.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import type { FakeUpstream } from "../fakes/common";
import { parseCsv } from "../../server/reports/__tests__/parse-csv";
import { createTestDatabase, replicaPort, seedLastMonthTeamTraffic, sharedSettings, startProcess, stopProcess, type ModelgateProcess, type TestDatabase } from "../support/replicas";

const ADMIN_KEY = "exports-e2e-admin-key-0123456789";
const OWNER_EMAIL = "owner@exports-e2e.test";
const OWNER_PASSWORD = "exports-e2e-owner-password";
const SECRET = "exports-e2e-signing-secret-0123";
let database: TestDatabase;
let fake: FakeUpstream;
let app: ModelgateProcess;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

function lastMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

async function admin(path: string, init: { method?: string; body?: unknown } = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${app.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

/** Exact decimal sums, in picodollars. */
const picos = (text: string) => {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole) * 10n ** 12n + BigInt(fraction.padEnd(12, "0").slice(0, 12));
};

function verifySignature(headers: IncomingHttpHeaders, body: string): boolean {
  const expected = `sha256=${createHmac("sha256", SECRET).update(`${headers["x-modelgate-timestamp"]}.${body}`).digest("hex")}`;
  return headers["x-modelgate-signature"] === expected;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  database = await createTestDatabase("exports");
  fake = await startFakeOpenAI();
  app = await startProcess("exports-app", "all", replicaPort(130), {
    ...sharedSettings(database.url),
    GATEWAY_ADMIN_KEY: ADMIN_KEY,
    OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ADMIN_EMAIL: OWNER_EMAIL,
    ADMIN_PASSWORD: OWNER_PASSWORD,
    WEBHOOK_SIGNING_SECRET: SECRET,
    EXPORT_DELIVERY_INTERVAL_MS: "1000",
  });
  await seedLastMonthTeamTraffic(app.url, ADMIN_KEY, database, [["Research", 3], ["Support", 2]]);
});

test.afterAll(async () => {
  if (app) await stopProcess(app);
  await fake?.close();
  await database?.drop();
  receiver?.close();
});

test("last month's CSV and FOCUS files reach the webhook, signed, summing to the report's total", async ({ page }) => {
  test.setTimeout(120_000);
  const month = lastMonth();
  const report = (await admin(`/api/admin/reports/usage?month=${month}&group_by=team`)) as { totals: { cost_usd: string; requests: number } };
  expect(report.totals.requests).toBe(5);
  const total = report.totals.cost_usd;
  expect(picos(total)).toBeGreaterThan(0n);

  // The owner creates the CSV schedule on the Reports page.
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill(OWNER_EMAIL);
  await page.getByLabel("Password").fill(OWNER_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/overview/, { timeout: 30_000 });
  await page.goto(`${app.url}/reports`);
  const section = page.getByTestId("export-schedules");
  await expect(section).toContainText("No scheduled exports yet.");
  await page.getByTestId("new-export-schedule").click();
  const form = page.getByRole("form", { name: "Scheduled export" });
  await form.getByLabel("Name").fill("Finance CSV by team");
  await form.getByLabel("Webhook URL").fill(`${receiverUrl}/hooks/csv-secret-path?token=abc`);
  await form.getByRole("button", { name: "Save schedule" }).click();
  const csvRow = section.getByTestId("export-schedule-row").filter({ hasText: "Finance CSV by team" });
  await expect(csvRow).toContainText(`${receiverUrl}/…`);
  await expect(csvRow).not.toContainText("csv-secret-path");

  // A FOCUS schedule over the admin API.
  const focusSchedule = (await admin("/api/admin/export-schedules", { body: { name: "Data lake FOCUS", format: "focus", webhook_url: `${receiverUrl}/hooks/focus` } })) as { id: string };

  // The runner delivers both; the page shows them delivered.
  await expect(csvRow.getByTestId("delivery-status")).toHaveText("delivered", { timeout: 20_000 });
  // The page polls only while a row it shows is pending: a schedule made over the API appears on the next load.
  await page.reload();
  const focusRow = section.getByTestId("export-schedule-row").filter({ hasText: "Data lake FOCUS" });
  await expect(focusRow.getByTestId("delivery-status")).toHaveText("delivered", { timeout: 20_000 });
  await expect(csvRow).toContainText(month);
  await page.screenshot({ path: "/tmp/exports-reports-schedules.png", fullPage: true });

  const csvFile = received.find((entry) => entry.path.startsWith("/hooks/csv-secret-path"))!;
  expect(csvFile.headers).toMatchObject({ "content-type": "text/csv; charset=utf-8", "x-modelgate-export-period": month, "x-modelgate-export-format": "csv" });
  expect(verifySignature(csvFile.headers, csvFile.body)).toBe(true);
  const csvRecords = parseCsv(csvFile.body);
  const groups = csvRecords.filter((record) => record.row_type === "group");
  expect(groups.map((record) => record.group_name).sort()).toEqual(["Research", "Support"]);
  expect(groups.reduce((sum, record) => sum + picos(record.cost_usd), 0n)).toBe(picos(total));
  expect(csvRecords.find((record) => record.row_type === "total")!.cost_usd).toBe(total);

  const focusFile = received.find((entry) => entry.path === "/hooks/focus")!;
  expect(focusFile.headers).toMatchObject({ "x-modelgate-export-period": month, "x-modelgate-export-format": "focus", "x-focus-version": "1.2" });
  expect(verifySignature(focusFile.headers, focusFile.body)).toBe(true);
  const focusRecords = parseCsv(focusFile.body);
  expect(new Set(focusRecords.map((record) => record.x_RequestId)).size).toBe(5);
  expect(focusRecords.reduce((sum, record) => sum + picos(record.BilledCost), 0n)).toBe(picos(total));
  const deliveries = (await admin(`/api/admin/export-schedules/${focusSchedule.id}/deliveries`)) as { data: Array<{ period: string; status: string; rows: number; bytes: number }> };
  expect(deliveries.data).toEqual([expect.objectContaining({ period: month, status: "delivered", rows: focusRecords.length, bytes: Buffer.byteLength(focusFile.body) })]);

  // "Send" delivers the month again, under a new idempotency key.
  const before = received.length;
  await page.getByLabel("Month to send").fill(month);
  await csvRow.getByTestId("send-export").click();
  await expect.poll(() => received.length, { timeout: 20_000 }).toBe(before + 1);
  const resent = received.at(-1)!;
  expect(resent.path).toBe(csvFile.path);
  expect(resent.headers["idempotency-key"]).not.toBe(csvFile.headers["idempotency-key"]);
  expect(resent.body).toBe(csvFile.body);
  await expect(csvRow.getByTestId("delivery-status")).toHaveText("delivered", { timeout: 20_000 });

  // The switch disables a schedule; the history dialog lists its deliveries.
  await focusRow.getByRole("switch").click();
  await expect.poll(async () => ((await admin(`/api/admin/export-schedules/${focusSchedule.id}`)) as { enabled: boolean }).enabled).toBe(false);
  await csvRow.getByRole("button", { name: "History" }).click();
  await expect(page.getByRole("dialog")).toContainText(month);
  await page.screenshot({ path: "/tmp/exports-history.png" });
  // Nothing was delivered twice by the runner itself: one file per schedule, plus the one sent on purpose.
  expect(received).toHaveLength(3);
});
