/**
 * Reading the audit log, against the real PostgreSQL: keyset pages that neither skip nor repeat
 * (rows of one transaction share created_at to the microsecond), filters, who may read it, the
 * admin API's JSON pages and streamed CSV (formula cells escaped), and a deep page over 100,000
 * rows served by the (org_id, created_at, id) index.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows, getDatabase } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { writeAudit } from "@/db/queries/audit";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUserWithRole } from "@/db/queries/users";
import { listAuditFor } from "@/server/admin/audit";
import type { Actor } from "@/server/admin/service-result";
import { freshAdminToken } from "./matrix-world";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let owner: Actor;
let finance: Actor;
let aliceId: string;
let GET: (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const tokens: Record<string, string> = {};

const db = () => database.handle.db;

beforeAll(async () => {
  database = await createTestDatabase();
  await getDatabase({ databaseUrl: database.url, max: 5 });
  orgId = await ensureDefaultOrg(db());
  const ownerUser = await insertUserWithRole(db(), { email: "owner@audit.test", passwordHash: "x", orgId, role: "owner" });
  const alice = await insertUserWithRole(db(), { email: "alice@audit.test", passwordHash: "x", orgId, role: "finance" });
  aliceId = alice.id;
  owner = { orgId, id: `user:${ownerUser.id}`, userId: ownerUser.id, role: "owner" };
  finance = { orgId, id: `user:${alice.id}`, userId: alice.id, role: "finance" };
  for (const role of ["owner", "finance", "viewer", "developer"] as const) {
    const user = role === "owner" ? ownerUser : role === "finance" ? alice : await insertUserWithRole(db(), { email: `${role}@audit.test`, passwordHash: "x", orgId, role });
    tokens[role] = (await freshAdminToken({ db: db(), orgId }, role, user.id)).token;
  }
  // 250 rows in one transaction: one created_at for all of them.
  await db().transaction(async (tx) => {
    for (let index = 0; index < 250; index++) await writeAudit(tx, { orgId, actor: index % 2 ? `user:${alice.id}` : "admin_key:env", action: index % 5 === 0 ? "member.invite" : "key.create", targetType: index % 5 === 0 ? "invitation" : "virtual_key", targetId: `t-${index}` });
  });
  await writeAudit(db(), { orgId, actor: "anonymous", action: "auth.sign_in_failed", targetType: "user", after: { email: "=HYPERLINK(\"http://evil\")", reason: "invalid_credentials" }, source: "console" });
  ({ GET } = await import("@/app/api/admin/audit/route"));
});
afterAll(async () => {
  await (await getDatabase()).close();
  await database?.drop();
});

async function allPages(actor: Actor, filters: Parameters<typeof listAuditFor>[2], limit: number) {
  const ids: number[] = [];
  let cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listAuditFor(db(), actor, filters, { cursor, limit });
    if (!page.ok) throw new Error(page.error.message);
    ids.push(...page.value.rows.map((row) => row.id));
    if (!page.value.nextCursor) break;
    cursor = page.value.nextCursor;
  }
  return ids;
}

describe("keyset pages", () => {
  test("walk every row once, newest first, although one transaction's rows share created_at", async () => {
    const ids = await allPages(owner, {}, 7);
    const [count] = await executeRows<{ n: number }>(db(), sql`select count(*)::int as n from audit_log`);
    expect(ids).toHaveLength(count.n);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });

  test.each([
    ["an email", { actor: "alice@audit.test" }, 125],
    ["an actor id", { actor: "admin_key:env" }, 125],
    ["an unknown email", { actor: "nobody@audit.test" }, 0],
    ["an exact action", { action: "member.invite" }, 50],
    ["an action prefix", { action: "key." }, 200],
    ["a target type", { targetType: "invitation" }, 50],
    ["a source", { source: "admin_api" as const }, 125],
    ["a range in the future", { from: new Date(Date.now() + 3_600_000) }, 0],
  ])("filter by %s", async (_name, filters, expected) => {
    expect(await allPages(owner, filters, 40)).toHaveLength(expected);
  });

  test("an actor's display name comes with each row", async () => {
    const page = await listAuditFor(db(), owner, { actor: `user:${aliceId}` }, { limit: 1 });
    expect(page).toMatchObject({ ok: true, value: { rows: [{ actorLabel: "alice@audit.test" }] } });
  });

  test.each([
    ["owner", true],
    ["admin", true],
    ["finance", true],
    ["developer", false],
    ["viewer", false],
  ] as const)("%s may read: %s", async (role, allowed) => {
    const result = await listAuditFor(db(), { ...finance, role }, {}, { limit: 1 });
    expect(result.ok).toBe(allowed);
    if (!allowed) expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});

function call(query: string, token: string, headers: Record<string, string> = {}) {
  return GET(new Request(`http://modelgate.test/api/admin/audit${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } }), { params: Promise.resolve({}) });
}

describe("GET /api/admin/audit", () => {
  test("JSON pages follow next_cursor to the end", async () => {
    const seen: number[] = [];
    let query = "?limit=100&action=key.";
    for (;;) {
      const response = await call(query, tokens.finance);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: Array<{ id: number; source: string }>; next_cursor: string | null };
      seen.push(...body.data.map((row) => row.id));
      if (!body.next_cursor) break;
      query = `?limit=100&action=key.&cursor=${body.next_cursor}`;
    }
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
  });

  test.each([
    ["?cursor=not-a-cursor", "cursor"],
    ["?source=elsewhere", "source"],
    ["?from=yesterday", "from"],
    ["?limit=5000", "limit"],
  ])("%s is a 400 naming %s", async (query, param) => {
    const response = await call(query, tokens.owner);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_value", param } });
  });

  test.each([["?format=csv", {}], ["", { accept: "text/csv" }]] as const)("CSV %s %j: every row, a header, formulas escaped", async (query, headers) => {
    const response = await call(query, tokens.finance, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="modelgate-audit-[\d-]+\.csv"$/);
    const text = await response.text();
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("time,actor,actor_name,source,action,target_type,target_id,before,after");
    expect(lines).toHaveLength(1 + 251);
    const failed = lines.find((line) => line.includes("auth.sign_in_failed"))!;
    expect(failed).toContain(`""email"":""=HYPERLINK`); // inside JSON the cell starts with {, not a formula
    expect(failed).toMatch(/^\d{4}-\d\d-\d\dT[^,]+,anonymous,,console,auth\.sign_in_failed,user,,,/);
  });

  test("a cell starting with = is escaped in CSV", async () => {
    await writeAudit(db(), { orgId, actor: "system", action: "=cmd|' /C calc'!A0", targetType: "test" });
    const text = await (await call("?format=csv&target_type=test", tokens.owner)).text();
    expect(text.split("\n")[1]).toContain(`'=cmd`);
  });

  test.each([["viewer"], ["developer"]])("a %s token gets 403, JSON and CSV", async (role) => {
    expect((await call("", tokens[role])).status).toBe(403);
    expect((await call("?format=csv", tokens[role])).status).toBe(403);
  });
});

test("a deep page over 100,000 rows is an index range scan, and quick", async () => {
  await executeRows(
    db(),
    sql`insert into audit_log (org_id, actor, action, target_type, target_id, source, created_at)
        select ${orgId}, 'system', 'bulk.write', 'bulk', g::text, 'system', now() - (g || ' seconds')::interval from generate_series(1, 100000) g`,
  );
  await executeRows(db(), sql`analyze audit_log`);
  const first = await listAuditFor(db(), owner, {}, { limit: 50 });
  if (!first.ok) throw new Error("setup");
  // A cursor 90,000 rows deep.
  const [deep] = await executeRows<{ micros: string; id: number }>(db(), sql`select (extract(epoch from created_at) * 1000000)::bigint::text as micros, id from audit_log where target_id = '90000'`);
  const started = performance.now();
  const page = await listAuditFor(db(), owner, {}, { cursor: { createdAtMicros: deep.micros, id: deep.id }, limit: 50 });
  const elapsed = performance.now() - started;
  expect(page.ok && page.value.rows.map((row) => row.targetId)).toEqual(Array.from({ length: 50 }, (_, index) => String(90001 + index)));
  expect(elapsed).toBeLessThan(100);
  const plan = await executeRows<{ "QUERY PLAN": string }>(
    db(),
    sql`explain select * from audit_log where org_id = ${orgId} and (created_at, id) < (timestamptz 'epoch' + ${deep.micros}::bigint * interval '1 microsecond', ${deep.id}) order by created_at desc, id desc limit 51`,
  );
  expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/Index Scan Backward using audit_log_org_created_id_idx/);
});
