import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { FAKE_ANTHROPIC_ADMIN_KEY, startFakeAnthropicCostReport } from "../fakes/anthropic-cost-report-fake";
import type { FakeCostApi, FakeCostDays } from "../fakes/cost-api-days";
import { FAKE_OPENAI_ADMIN_KEY, startFakeOpenAICosts } from "../fakes/openai-costs-fake";
import { adminHeaders } from "../support/gateway-client";

/**
 * Provider cost import through the admin API of the built app, against the fakes of OpenAI's organization costs and
 * Anthropic's cost report: sources with their admin keys, Import now over two pages, exact stored days, a re-import
 * that replaces, drift and its alert (webhook delivered), and the errors in OpenAI's shape. Roles on every route:
 * the admin-routes role matrix.
 */
type Fake = FakeCostApi & { requests: () => { path: string; query: Record<string, string>; headers: Record<string, string> }[] };
let openai: Fake;
let anthropic: Fake;
let receiver: http.Server;
let receiverUrl: string;
const hooks: { headers: http.IncomingHttpHeaders; body: string }[] = [];

const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const dayAgo = (count: number) => new Date(today - count * 86_400_000).toISOString().slice(0, 10);
/** The last ten complete UTC days: 1.25 $ a day at OpenAI in two line items, 0.123456 $ at Anthropic. */
const openaiDays: FakeCostDays = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [dayAgo(index + 1), [{ name: "gpt-4o-mini, input", amount: "1.000001" }, { name: "gpt-4o-mini, output", amount: "0.249999" }]]));
const anthropicDays: FakeCostDays = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [dayAgo(index + 1), [{ name: "Claude Haiku 4.5 Usage - Input Tokens", amount: "0.123456" }]]));

test.beforeAll(async () => {
  openai = await startFakeOpenAICosts(openaiDays);
  anthropic = await startFakeAnthropicCostReport(anthropicDays);
  receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      hooks.push({ headers: request.headers, body });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/drift`;
});
test.afterAll(async () => {
  await openai?.close();
  await anthropic?.close();
  receiver?.close();
});

/** Import now; the app's own daily job may hold the source for a moment (409), so that is waited out. */
async function importNow(request: APIRequestContext, provider: string): Promise<APIResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await request.post("/api/admin/cost-imports/import", { headers: adminHeaders(), data: { provider } });
    if (response.status() !== 409 || attempt === 20) return response;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("invalid sources, settings and imports are refused in OpenAI's error shape, naming the field", async ({ request }) => {
  const cases: [string, unknown, number, string | null, string][] = [
    ["/api/admin/cost-imports/sources", { provider: "gemini", admin_key: "k".repeat(12) }, 400, "provider", "invalid_value"],
    ["/api/admin/cost-imports/sources", { provider: "openai" }, 400, "admin_key", "invalid"],
    ["/api/admin/cost-imports/sources", { provider: "openai", admin_key: "k".repeat(12), base_url: "http://169.254.169.254/v1" }, 400, "base_url", "invalid"],
    ["/api/admin/cost-imports/sources", { provider: "openai", admin_key: "k".repeat(12), lookback_days: 40 }, 400, "lookback_days", "invalid_value"],
    ["/api/admin/cost-imports/sources", { provider: "openai", admin_key: "k".repeat(12), surprise: true }, 400, null, "invalid_value"],
    ["/api/admin/cost-imports/settings", { threshold_percent: "5.555" }, 400, "threshold_percent", "invalid_value"],
    ["/api/admin/cost-imports/settings", { threshold_percent: "5", webhook_url: "http://10.0.0.1/hook" }, 400, "webhook_url", "invalid"],
    ["/api/admin/cost-imports/import", { provider: "anthropic" }, 404, null, "not_found"],
  ];
  for (const [path, data, status, param, code] of cases) {
    const response = await request.post(path, { headers: adminHeaders(), data });
    expect(response.status(), `${path} ${JSON.stringify(data)}`).toBe(status);
    const body = await response.json();
    expect(body.error).toMatchObject({ code, param, type: "invalid_request_error" });
    expect(JSON.stringify(body)).not.toContain("k".repeat(12));
  }
  expect((await request.get("/api/admin/cost-imports/drift?month=2026-13", { headers: adminHeaders() })).status()).toBe(400);
  expect((await request.get("/api/admin/cost-imports")).status()).toBe(401);
});

test("Import now reads every page, stores each day exactly, replaces on re-import, and shows drift with its alert", async ({ request }) => {
  const saved = await request.post("/api/admin/cost-imports/sources", { headers: adminHeaders(), data: { provider: "openai", admin_key: FAKE_OPENAI_ADMIN_KEY, base_url: `${openai.url}/v1`, lookback_days: 10 } });
  expect(saved.status(), await saved.text()).toBe(200);
  expect(await saved.json()).toMatchObject({ provider: "openai", credentialLast4: "6789", lookbackDays: 10 });
  expect(JSON.stringify(await saved.json())).not.toContain(FAKE_OPENAI_ADMIN_KEY);
  expect((await request.post("/api/admin/cost-imports/sources", { headers: adminHeaders(), data: { provider: "anthropic", admin_key: FAKE_ANTHROPIC_ADMIN_KEY, base_url: `${anthropic.url}/v1`, lookback_days: 10 } })).status()).toBe(200);
  expect((await request.post("/api/admin/cost-imports/settings", { headers: adminHeaders(), data: { threshold_percent: "5", webhook_url: receiverUrl } })).status()).toBe(200);

  const imported = await importNow(request, "openai");
  expect(imported.status(), await imported.text()).toBe(200);
  const outcome = await imported.json();
  expect(outcome).toMatchObject({ status: "ok", error: null, pages: 2, fromDay: dayAgo(10), toDay: dayAgo(0) });
  expect(outcome.days).toHaveLength(10);
  expect(outcome.days[0]).toEqual({ day: dayAgo(10), amountUsd: "1.250000000000", lineItems: 2 });
  const pages = openai.requests().filter((entry) => entry.path === "/v1/organization/costs");
  // Two pages a run (the app's daily job may have run once more on its own, with the same two pages).
  expect(pages.length % 2).toBe(0);
  expect(pages[0].headers.authorization).toBe(`Bearer ${FAKE_OPENAI_ADMIN_KEY}`);
  expect(pages[1].query.page).toMatch(/^page_/);

  const anthropicOutcome = await (await importNow(request, "anthropic")).json();
  expect(anthropicOutcome).toMatchObject({ status: "ok", pages: 2 });
  expect(anthropicOutcome.days[0]).toEqual({ day: dayAgo(10), amountUsd: "0.123456000000", lineItems: 1 });
  const anthropicPages = anthropic.requests().filter((entry) => entry.path === "/v1/organizations/cost_report");
  expect(anthropicPages[0].headers).toMatchObject({ "x-api-key": FAKE_ANTHROPIC_ADMIN_KEY, "anthropic-version": "2023-06-01" });

  // The provider revises yesterday: a re-import replaces that day, every other day stays as it was.
  openai.setDays({ ...openaiDays, [dayAgo(1)]: [{ name: "gpt-4o-mini, input", amount: "2.5" }] });
  const again = await (await importNow(request, "openai")).json();
  expect(again.days.at(-1)).toEqual({ day: dayAgo(1), amountUsd: "2.500000000000", lineItems: 1 });

  const month = dayAgo(1).slice(0, 7);
  const drift = await request.get(`/api/admin/cost-imports/drift?month=${month}`, { headers: adminHeaders() });
  expect(drift.status()).toBe(200);
  const body = await drift.json();
  const line = body.providers.find((entry: { provider: string }) => entry.provider === "openai");
  const day = line.days.find((entry: { day: string }) => entry.day === dayAgo(1));
  // No gateway traffic on past days in this run: the provider's whole figure is drift (no percent of a zero cost).
  expect(day).toMatchObject({ gatewayCostUsd: "0.000000000000", providerCostUsd: "2.500000000000", varianceUsd: "2.500000000000", variancePercent: null, exceedsThreshold: true });
  const daysInMonth = Object.keys(openaiDays).filter((candidate) => candidate.startsWith(month)).length;
  expect(line.month.daysCompared).toBe(daysInMonth);
  expect(body.alerts.some((alert: { provider: string; scope: string; period: string }) => alert.provider === "openai" && alert.scope === "day" && alert.period === dayAgo(1))).toBe(true);
  // The alerts' webhooks arrive (the same sender as budget alerts), each alert once.
  await expect.poll(() => hooks.filter((hook) => JSON.parse(hook.body).period === dayAgo(1) && JSON.parse(hook.body).provider === "openai").length, { timeout: 10_000 }).toBe(1);
  // It fired on the first import (1.25 $ over a gateway cost of 0), and the revision did not fire it again.
  const hook = hooks.find((entry) => JSON.parse(entry.body).period === dayAgo(1) && JSON.parse(entry.body).provider === "openai")!;
  expect(JSON.parse(hook.body)).toMatchObject({ type: "cost.drift_exceeded", provider: "openai", scope: "day", variance_usd: "1.250000000000", variance_percent: null, threshold_percent: "5.00" });
  expect(hook.headers["x-modelgate-timestamp"]).toMatch(/^\d+$/);

  const overview = await (await request.get("/api/admin/cost-imports", { headers: adminHeaders() })).json();
  expect(overview.settings).toEqual({ thresholdPercent: "5.00", webhookUrl: receiverUrl });
  expect(overview.sources.find((source: { provider: string }) => source.provider === "openai")).toMatchObject({ lastStatus: "ok", lastDays: 10, lastError: null });
  expect(JSON.stringify(overview)).not.toContain(FAKE_OPENAI_ADMIN_KEY);
});
