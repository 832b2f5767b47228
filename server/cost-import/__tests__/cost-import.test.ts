/**
 * Provider cost import on the real PostgreSQL, against the fakes of OpenAI's organization costs and Anthropic's cost
 * report (e2e/fakes): exact days, pagination, a re-import replaces and never doubles, another currency is refused with
 * nothing written, one import across two concurrent runners, drift sums exact to the picodollar, and alerts fire once
 * with the budget alerts' signed webhook.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { costDriftFor, costImportOverview, importProviderCostsNow, setCostDriftSettings, setProviderCostSource } from "@/server/admin/cost-imports";
import type { Actor } from "@/server/admin/service-result";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { picosToDecimal } from "@/server/gateway/pricing";
import { FAKE_ANTHROPIC_ADMIN_KEY, startFakeAnthropicCostReport } from "../../../e2e/fakes/anthropic-cost-report-fake";
import type { FakeCostApi } from "../../../e2e/fakes/cost-api-days";
import { FAKE_OPENAI_ADMIN_KEY, startFakeOpenAICosts } from "../../../e2e/fakes/openai-costs-fake";
import { importDueCosts } from "../importer";
import { signedPicos } from "../drift";

type Fake = FakeCostApi & { requests: () => { path: string; query: Record<string, string> }[] };
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let actor: Actor;
let openai: Fake;
let anthropic: Fake;
let receiver: http.Server;
let receiverUrl: string;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const now = new Date("2026-11-11T10:00:00Z");
const fast = { now, awaitDeliveries: true, delivery: { allowPrivateHosts: "127.0.0.1", signingSecret: "cost-drift-secret-0123456789", backoffMs: [0] } };

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "127.0.0.1";
  database = await createTestDatabase();
  actor = { orgId: await ensureDefaultOrg(database.handle.db), id: "admin_key:env", role: "owner" };
  openai = await startFakeOpenAICosts();
  anthropic = await startFakeAnthropicCostReport();
  receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/drift`;
});
afterAll(async () => {
  await openai?.close();
  await anthropic?.close();
  receiver?.close();
  await database?.drop();
});
beforeEach(async () => {
  const db = database.handle.db;
  await executeRows(db, sql`delete from provider_cost_imports`);
  await executeRows(db, sql`delete from cost_drift_alerts`);
  await executeRows(db, sql`delete from provider_cost_sources`);
  received.length = 0;
});

const days = (from: number, count: number, amount: (day: number) => string) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`2026-11-${String(from + index).padStart(2, "0")}`, [{ name: "Claude Haiku 4.5 Usage - Input Tokens", amount: amount(index) }, { name: "Claude Haiku 4.5 Usage - Output Tokens", amount: "0.000001" }]]));

async function setSources(lookbackDays = 10) {
  expect(await setProviderCostSource(database.handle.db, actor, { provider: "openai", admin_key: FAKE_OPENAI_ADMIN_KEY, base_url: `${openai.url}/v1`, lookback_days: lookbackDays })).toMatchObject({ ok: true });
  expect(await setProviderCostSource(database.handle.db, actor, { provider: "anthropic", admin_key: FAKE_ANTHROPIC_ADMIN_KEY, base_url: `${anthropic.url}/v1`, lookback_days: lookbackDays })).toMatchObject({ ok: true });
}

async function storedDays(provider: string) {
  return executeRows<{ day: string; amount_usd: string; line_items: number }>(database.handle.db, sql`select day::text, amount_usd::text, line_items from provider_cost_imports where provider = ${provider} order by day`);
}

test("imports the last complete days over pages, exactly; the admin key is encrypted at rest and never shown", async () => {
  openai.setDays(days(1, 10, (index) => `1.${String(index).padStart(2, "0")}0001`));
  anthropic.setDays(days(1, 10, (index) => `0.${index}12345`));
  await setSources(10);
  const first = await importProviderCostsNow(database.handle.db, actor, "openai", fast);
  expect(first).toMatchObject({ ok: true, value: { status: "ok", error: null, fromDay: "2026-11-01", toDay: "2026-11-11", pages: 2 } });
  expect(await storedDays("openai")).toEqual(Array.from({ length: 10 }, (_, index) => ({ day: `2026-11-${String(index + 1).padStart(2, "0")}`, amount_usd: picosToDecimal(signedPicos(`1.${String(index).padStart(2, "0")}0001`) + 1_000_000n), line_items: 2 })));
  const pages = openai.requests().filter((request) => request.path === "/v1/organization/costs");
  expect(pages.map((request) => [request.query.start_time, request.query.bucket_width, request.query.group_by, request.query.limit, request.query.page ?? null])).toEqual([
    [String(Date.parse("2026-11-01T00:00:00Z") / 1000), "1d", "line_item", "7", null],
    [String(Date.parse("2026-11-01T00:00:00Z") / 1000), "1d", "line_item", "7", expect.stringMatching(/^page_/)],
  ]);

  expect(await importProviderCostsNow(database.handle.db, actor, "anthropic", fast)).toMatchObject({ ok: true, value: { status: "ok", pages: 2 } });
  // Cents on the wire ("11.2345" for $0.112345), dollars stored.
  expect((await storedDays("anthropic")).slice(0, 2)).toEqual([
    { day: "2026-11-01", amount_usd: "0.012346000000", line_items: 2 },
    { day: "2026-11-02", amount_usd: "0.112346000000", line_items: 2 },
  ]);

  const [source] = await executeRows<{ credential_ciphertext: string }>(database.handle.db, sql`select credential_ciphertext from provider_cost_sources where provider = 'openai'`);
  expect(source.credential_ciphertext).not.toContain(FAKE_OPENAI_ADMIN_KEY);
  const overview = await costImportOverview(database.handle.db, actor);
  expect(JSON.stringify(overview)).not.toContain(FAKE_OPENAI_ADMIN_KEY.slice(0, 12));
  expect(overview).toMatchObject({ ok: true, value: { sources: [{ provider: "anthropic", credentialLast4: "6789", lastStatus: "ok" }, { provider: "openai", credentialLast4: "6789", lastStatus: "ok", lastDays: 10 }] } });
  void getEncryptionKey;
});

test("a re-import replaces each day's figure (revised by the provider), never adds to it", async () => {
  openai.setDays(days(1, 10, () => "2.000000"));
  await setSources(10);
  await importProviderCostsNow(database.handle.db, actor, "openai", fast);
  openai.setDays({ ...days(1, 10, () => "2.000000"), "2026-11-10": [{ name: "late", amount: "3.5" }] });
  await importProviderCostsNow(database.handle.db, actor, "openai", fast);
  await importProviderCostsNow(database.handle.db, actor, "openai", fast);
  const stored = await storedDays("openai");
  expect(stored).toHaveLength(10);
  expect(stored.at(-1)).toEqual({ day: "2026-11-10", amount_usd: "3.500000000000", line_items: 1 });
  expect(stored[0]).toEqual({ day: "2026-11-01", amount_usd: "2.000001000000", line_items: 2 });
});

test("another currency, a bad key and an unreachable API fail the run, write no day, and say why without the key", async () => {
  await setSources(3);
  openai.setDays({ "2026-11-09": [{ name: "x", amount: "1", currency: "eur" }] });
  const euro = await importProviderCostsNow(database.handle.db, actor, "openai", fast);
  expect(euro).toMatchObject({ ok: true, value: { status: "failed", error: expect.stringContaining("EUR"), days: [] } });
  expect(await storedDays("openai")).toEqual([]);
  expect(await setProviderCostSource(database.handle.db, actor, { provider: "openai", admin_key: "sk-admin-wrong-key-000000" })).toMatchObject({ ok: true });
  const denied = await importProviderCostsNow(database.handle.db, actor, "openai", fast);
  expect(denied).toMatchObject({ ok: true, value: { status: "failed", error: "The cost API answered HTTP 401 (invalid_request_error)." } });
  expect(JSON.stringify(denied)).not.toMatch(/sk-adm|wrong-key/);
  expect(await setProviderCostSource(database.handle.db, actor, { provider: "openai", base_url: "http://127.0.0.1:9/v1" })).toMatchObject({ ok: true });
  expect(await importProviderCostsNow(database.handle.db, actor, "openai", fast)).toMatchObject({ ok: true, value: { status: "failed", error: expect.stringContaining("could not be reached") } });
  expect(await setProviderCostSource(database.handle.db, actor, { provider: "openai", base_url: "http://169.254.169.254/v1" })).toMatchObject({ ok: false, error: { field: "base_url" } });
  expect(await importProviderCostsNow(database.handle.db, actor, "gemini", fast)).toMatchObject({ ok: false, error: { code: "not_found" } });
});

test("two runners at once: each due source is imported exactly once", async () => {
  openai.setDays(days(4, 7, () => "1"));
  anthropic.setDays(days(4, 7, () => "1"));
  await setSources(7);
  // Saved sources are due at once (the clock of this test is fixed in November).
  await executeRows(database.handle.db, sql`update provider_cost_sources set next_import_at = '2026-11-11T00:00:00Z'`);
  const before = openai.requests().length + anthropic.requests().length;
  const options = { ...fast, encryptionKey: getEncryptionKey(), allowPrivateHosts: "127.0.0.1" };
  const [a, b] = await Promise.all([importDueCosts(database.handle.db, "runner-a", options), importDueCosts(database.handle.db, "runner-b", options)]);
  expect([...a, ...b].map((outcome) => outcome.provider).sort()).toEqual(["anthropic", "openai"]);
  expect(openai.requests().length + anthropic.requests().length - before).toBe(2);
  // Not due again until tomorrow's 06:00 UTC.
  expect(await importDueCosts(database.handle.db, "runner-c", options)).toEqual([]);
  const [row] = await executeRows<{ next_import_at: Date; claimed_until: Date | null }>(database.handle.db, sql`select next_import_at, claimed_until from provider_cost_sources where provider = 'openai'`);
  expect(new Date(row.next_import_at).toISOString()).toBe("2026-11-12T06:00:00.000Z");
  expect(row.claimed_until).toBeNull();
});

test("drift per day and month is exact against the ledger's rollups; alerts fire once, signed, above the threshold", async () => {
  const db = database.handle.db;
  // Random gateway costs over November (the ledger path that also fills the rollups), provider figures 3 % above, one day 20 % above.
  let expectedGateway = 0n;
  const perDay = new Map<string, bigint>();
  const rows = [];
  for (let index = 0; index < 400; index++) {
    const day = 1 + (index % 10);
    const picos = BigInt(1 + Math.floor(Math.random() * 9_999_999)) * 1_000_000n + BigInt(index);
    const startedAt = new Date(Date.UTC(2026, 10, day, index % 24, index % 60, 7));
    rows.push({ id: `drift-${index}-${Date.now()}`, orgId: actor.orgId, provider: "anthropic", endpoint: "/v1/chat/completions", status: "success" as const, httpStatus: 200, latencyMs: 5, startedAt, endedAt: startedAt, costUsd: picosToDecimal(picos) });
    const key = startedAt.toISOString().slice(0, 10);
    perDay.set(key, (perDay.get(key) ?? 0n) + picos);
    expectedGateway += picos;
  }
  await insertUsageRows(db, rows);
  const figure = (day: string) => { const base = perDay.get(day)!; return day === "2026-11-05" ? (base * 120n) / 100n : (base * 103n) / 100n; };
  anthropic.setDays(Object.fromEntries([...perDay.keys()].map((day) => [day, [{ name: "usage", amount: picosToDecimal(figure(day)).replace(/0+$/, "").replace(/\.$/, "") }]])));
  await setSources(10);
  expect(await setCostDriftSettings(db, actor, { threshold_percent: "5", webhook_url: receiverUrl })).toMatchObject({ ok: true });
  const outcome = await importProviderCostsNow(db, actor, "anthropic", fast);
  expect(outcome).toMatchObject({ ok: true, value: { status: "ok" } });

  const drift = await costDriftFor(db, actor, "2026-11");
  if (!drift.ok) throw new Error("drift failed");
  const line = drift.value.providers.find((provider) => provider.provider === "anthropic")!;
  let expectedProvider = 0n;
  for (const day of line.days.filter((candidate) => perDay.has(candidate.day))) {
    expect(day.gatewayCostUsd).toBe(picosToDecimal(perDay.get(day.day)!));
    expect(day.providerCostUsd).toBe(picosToDecimal(figure(day.day)));
    expect(day.varianceUsd).toBe(picosToDecimal(figure(day.day) - perDay.get(day.day)!));
    expect(day.exceedsThreshold).toBe(day.day === "2026-11-05");
    expectedProvider += figure(day.day);
  }
  expect(line.month).toMatchObject({ gatewayCostUsd: picosToDecimal(expectedGateway), providerCostUsd: picosToDecimal(expectedProvider), varianceUsd: picosToDecimal(expectedProvider - expectedGateway), daysCompared: 10 });
  // The reports' provider total for November is the same gateway figure.
  const [report] = await executeRows<{ cost: string }>(db, sql`select sum(cost_usd)::text as cost from usage_ledger where org_id = ${actor.orgId}::uuid and provider = 'anthropic'`);
  expect(signedPicos(report.cost)).toBe(expectedGateway);

  const alerts = drift.value.alerts.filter((alert) => alert.provider === "anthropic");
  expect(alerts.map((alert) => [alert.scope, alert.period, alert.deliveryStatus])).toEqual([["day", "2026-11-05", "delivered"]]);
  expect(received).toHaveLength(1);
  const body = JSON.parse(received[0].body);
  expect(body).toMatchObject({ type: "cost.drift_exceeded", provider: "anthropic", scope: "day", period: "2026-11-05", threshold_percent: "5.00", variance_percent: "20.00" });
  const timestamp = String(received[0].headers["x-modelgate-timestamp"]);
  expect(received[0].headers["x-modelgate-signature"]).toBe(`sha256=${createHmac("sha256", fast.delivery.signingSecret).update(`${timestamp}.${received[0].body}`).digest("hex")}`);

  // Importing again records nothing new; lowering the threshold adds the month-to-date alert (3.x % > 2 %), once.
  await importProviderCostsNow(db, actor, "anthropic", fast);
  expect(received).toHaveLength(1);
  await setCostDriftSettings(db, actor, { threshold_percent: "2", webhook_url: null });
  await importProviderCostsNow(db, actor, "anthropic", fast);
  await importProviderCostsNow(db, actor, "anthropic", fast);
  const after = await executeRows<{ scope: string; period: string; delivery_status: string }>(db, sql`select scope, period, delivery_status from cost_drift_alerts where provider = 'anthropic' order by scope, period`);
  expect(after.filter((alert) => alert.scope === "month")).toEqual([{ scope: "month", period: "2026-11", delivery_status: "none" }]);
  expect(after.filter((alert) => alert.scope === "day")).toHaveLength(10);
  expect(received).toHaveLength(1);
});
