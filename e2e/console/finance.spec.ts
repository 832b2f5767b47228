/**
 * The finance "Done when" of issue 11, in a browser: a member invited with the finance role signs
 * in with no help, produces last month's cost by team as CSV and as FOCUS, closes the month,
 * opens a team's chargeback statement, enters the provider's invoice and sees the variance.
 *
 * The app runs on PostgreSQL (one process, `MODELGATE_ROLE=all`, like `npm start`) with the OpenAI
 * fake as its provider. Requests go through the gateway for real; "last month" can only exist by
 * time passing, so the test then moves those ledger rows one month back in the database (the
 * only thing it does outside the product).
 */
import { expect, test, type Page } from "@playwright/test";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import type { FakeUpstream } from "../fakes/common";
import { createTestDatabase, replicaPort, seedLastMonthTeamTraffic, sharedSettings, startProcess, stopProcess, type ModelgateProcess, type TestDatabase } from "../support/replicas";

const ADMIN_KEY = "finance-e2e-admin-key-0123456789";
const FINANCE_EMAIL = "finance@finance-e2e.test";
const FINANCE_PASSWORD = "finance-password-123";
let database: TestDatabase;
let fake: FakeUpstream;
let app: ModelgateProcess;

function lastMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

async function admin(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${app.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createTestDatabase("finance");
  fake = await startFakeOpenAI();
  // Ports of its own (the replica specs' clusters use offsets 0–43 and may run at the same time).
  app = await startProcess("finance-app", "all", replicaPort(50), {
    ...sharedSettings(database.url),
    GATEWAY_ADMIN_KEY: ADMIN_KEY,
    OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ADMIN_EMAIL: "owner@finance-e2e.test",
    ADMIN_PASSWORD: "finance-e2e-owner-password",
  });
  // The owner's part, over the admin API: two teams with a key each and their requests, moved to last month.
  await seedLastMonthTeamTraffic(app.url, ADMIN_KEY, database, [["Research", 3], ["Support", 2]]);
});

test.afterAll(async () => {
  if (app) await stopProcess(app);
  await fake?.close();
  await database?.drop();
});

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(button).click()]);
  const stream = await file.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
}

test("finance: last month's cost by team as CSV and FOCUS, close the month, enter an invoice, see the variance", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const month = lastMonth();
  const invitation = (await admin("/api/admin/members", { email: FINANCE_EMAIL, role: "finance" })) as { url: string };

  // The finance member joins through the link and lands in the console.
  await page.goto(invitation.url);
  await page.getByLabel("Name").fill("Fran Finance");
  await page.getByLabel("Password", { exact: true }).fill(FINANCE_PASSWORD);
  await page.getByLabel("Confirm password").fill(FINANCE_PASSWORD);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/overview/, { timeout: 30_000 });
  await expect(page.getByTestId("user-role")).toHaveText("finance");

  // Reports: last month, by team.
  const nav = page.getByRole("navigation", { name: "Console" });
  await nav.getByRole("link", { name: "Reports" }).click();
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.getByRole("radio", { name: "Last month" })).toHaveAttribute("aria-checked", "true");
  const table = page.getByTestId("report-table");
  await expect(table).toContainText("Research");
  await expect(table).toContainText("Support");
  await expect(page.getByTestId("report-chart")).toBeVisible();
  await expect(page.getByTestId("report-total-row")).toContainText("5");
  const totalCost = (await page.getByTestId("total-cost").getAttribute("title"))!.slice(1);
  expect(Number(totalCost)).toBeGreaterThan(0);
  await page.screenshot({ path: "test-results/console-finance-report.png", fullPage: true });

  const csv = await download(page, "export-csv");
  expect(csv.name).toBe(`modelgate-usage-${month}-by-team.csv`);
  expect(csv.text.split("\n")[0]).toBe("row_type,adjustment_for,period_start,period_end,time_zone,group_by,group_key,group_name,requests,input_tokens,cached_input_tokens,output_tokens,cost_usd,currency,list_cost_usd");
  expect(csv.text).toMatch(/\ngroup,,[^\n]*,team,[0-9a-f-]{36},Research,3,/);
  expect(csv.text).toMatch(/\ngroup,,[^\n]*,team,[0-9a-f-]{36},Support,2,/);
  expect(csv.text).toContain(`,Total,5,`);
  expect(csv.text).toContain(`,${totalCost},USD`);

  const focus = await download(page, "export-focus");
  expect(focus.name).toBe(`modelgate-focus-1.2-${month}.csv`);
  const header = focus.text.split("\n")[0].split(",");
  for (const column of ["BilledCost", "EffectiveCost", "ListCost", "ChargePeriodStart", "ChargePeriodEnd", "ServiceName", "ResourceId", "Tags", "ConsumedQuantity", "ConsumedUnit", "x_FocusVersion"]) expect(header).toContain(column);
  expect(focus.text).toContain("Research");
  await expect(page.getByTestId("export-focus-done")).toBeVisible();

  // Close the month: its totals are frozen.
  await page.getByTestId("close-period").click();
  await expect(page.getByTestId("period-closed")).toBeVisible();
  await expect(page.getByTestId("period-status")).toContainText(`${month} was closed`);
  await page.screenshot({ path: "test-results/console-finance-closed.png", fullPage: true });

  // The Research team's chargeback statement for the month: printable, with its own CSV.
  await table.getByRole("row", { name: /Research/ }).getByRole("link", { name: "Statement" }).click();
  await expect(page).toHaveURL(/\/reports\/chargeback\?team=[0-9a-f-]{36}&month=/);
  const statement = page.getByTestId("chargeback-statement");
  await expect(statement).toContainText(`Research · ${month}`);
  await expect(statement).toContainText("closed: frozen totals");
  await expect(statement.getByRole("region", { name: "By key" })).toContainText("Research bot");
  await expect(page.getByTestId("chargeback-total")).toContainText("for 3 requests");
  await page.screenshot({ path: "test-results/console-finance-chargeback.png", fullPage: true });

  // Invoices: enter OpenAI's total for the month and see the variance against the gateway's cost.
  await nav.getByRole("link", { name: "Invoices" }).click();
  await expect(page.getByTestId("invoice-month")).toHaveValue(month);
  const line = page.getByTestId("reconciliation-openai");
  await expect(line).toContainText("not entered");
  await page.getByRole("form", { name: "Enter an invoice" }).getByLabel("Provider").fill("openai");
  await page.getByLabel("Invoice total (USD)").fill("1.00");
  await page.getByRole("button", { name: `Save invoice for ${month}` }).click();
  await expect(line.getByTestId("variance-usd")).not.toHaveText("—");
  await expect(line.getByTestId("variance-percent")).toHaveText(/^\d+\.\d{2}%$/);
  await expect(page.getByText("closed: gateway cost is the frozen total")).toBeVisible();
  const variance = (await line.getByTestId("variance-usd").getAttribute("title"))!.slice(1);
  // 1.00 − the gateway's cost, exactly.
  const toPicos = (text: string) => BigInt(text.replace(".", "").padEnd(text.indexOf(".") + 13, "0"));
  expect(toPicos(variance)).toBe(toPicos("1.000000000000") - toPicos(totalCost.padEnd(totalCost.indexOf(".") + 13, "0")));
  await page.screenshot({ path: "test-results/console-finance-invoices.png", fullPage: true });

  // Reopening is an owner's: finance sees no Reopen button.
  await nav.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByTestId("period-closed")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reopen" })).toHaveCount(0);
  void browser;
});
