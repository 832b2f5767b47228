/**
 * OpenID Connect sign-ins against the real PostgreSQL (the browser flow through a real IdP is
 * e2e/console/sso.spec.ts): first sign-in provisions a member with the default role, a later
 * one finds them by issuer + subject even when the IdP's email changed, an existing member is
 * linked by email, and refusals (domain, unverified email, no email, deactivated) are audited
 * with source "sso".
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUserWithRole, updateMembership } from "@/db/queries/users";
import { signInWithSso, type SsoSettings } from "./sso-sign-in";

const ISSUER = "https://idp.sso.test";
const settings: SsoSettings = { allowedDomains: ["corp.test"], defaultRole: "developer" };
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;

const db = () => database.handle.db;
const audits = (subject: string) =>
  executeRows<{ action: string; source: string; actor: string; after: { reason?: string; email?: string } }>(db(), sql`select action, source, actor, after from audit_log where after->>'subject' = ${subject} or (action = 'auth.sign_in' and target_id in (select user_id::text from user_identities where subject = ${subject})) order by id`);

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
});
afterAll(async () => database?.drop());

describe("provisioning and linking", () => {
  test("the first sign-in creates a member with the default role; the next finds them by subject", async () => {
    const first = await signInWithSso(db(), { issuer: ISSUER, subject: "sub-1", email: "Ada@Corp.test", emailVerified: true, name: "Ada" }, settings);
    expect(first).toMatchObject({ ok: true, isNewUser: true, user: { email: "ada@corp.test", name: "Ada", sessionVersion: 0 } });
    const [member] = await executeRows<{ role: string }>(db(), sql`select role from memberships where user_id = ${first.ok ? first.user.id : ""}`);
    expect(member.role).toBe("developer");
    // The IdP renamed her mailbox: the identity still names the same member.
    const again = await signInWithSso(db(), { issuer: ISSUER, subject: "sub-1", email: "ada.lovelace@corp.test" }, settings);
    expect(again).toMatchObject({ ok: true, isNewUser: false, user: { id: first.ok ? first.user.id : "" } });
    expect((await audits("sub-1")).map((row) => [row.action, row.source])).toEqual([
      ["member.provision", "sso"],
      ["auth.sign_in", "sso"],
      ["auth.sign_in", "sso"],
    ]);
  });

  test("a member invited with a password is linked by email and keeps their role", async () => {
    const user = await insertUserWithRole(db(), { email: "grace@corp.test", passwordHash: "x", orgId, role: "finance" });
    const result = await signInWithSso(db(), { issuer: ISSUER, subject: "sub-2", email: "grace@corp.test" }, settings);
    expect(result).toMatchObject({ ok: true, isNewUser: false, user: { id: user.id } });
    const [member] = await executeRows<{ role: string }>(db(), sql`select role from memberships where user_id = ${user.id}`);
    expect(member.role).toBe("finance");
    expect((await audits("sub-2")).map((row) => row.action)).toEqual(["member.link_sso", "auth.sign_in"]);
  });

  test("two first sign-ins at once make one member", async () => {
    const results = await Promise.all([0, 1, 2].map(() => signInWithSso(db(), { issuer: ISSUER, subject: "sub-race", email: "race@corp.test" }, settings)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(new Set(results.map((result) => (result.ok ? result.user.id : null))).size).toBe(1);
  });
});

describe("refusals", () => {
  test.each([
    ["an email domain that is not allowed", { email: "mallory@evil.test" }, "domain_not_allowed"],
    ["an email the IdP marks unverified", { email: "eve@corp.test", emailVerified: false }, "email_unverified"],
    ["an email marked unverified as a string", { email: "eve2@corp.test", emailVerified: "false" }, "email_unverified"],
    ["no email", { email: null }, "no_email"],
  ])("%s", async (_name, claims, reason) => {
    const subject = `refused-${reason}-${Math.random()}`;
    const result = await signInWithSso(db(), { issuer: ISSUER, subject, ...claims }, settings);
    expect(result).toMatchObject({ ok: false, reason });
    expect(await audits(subject)).toMatchObject([{ action: "auth.sign_in_failed", source: "sso", actor: "anonymous", after: { reason } }]);
    const [count] = await executeRows<{ n: number }>(db(), sql`select count(*)::int as n from user_identities where subject = ${subject}`);
    expect(count.n).toBe(0);
  });

  test("the refusal names the domain for the sign-in page", async () => {
    expect(await signInWithSso(db(), { issuer: ISSUER, subject: "sub-domain", email: "x@other.test" }, settings)).toEqual({ ok: false, reason: "domain_not_allowed", domain: "other.test" });
  });

  test("every domain is allowed when the list is empty", async () => {
    expect(await signInWithSso(db(), { issuer: ISSUER, subject: "sub-any", email: "x@anywhere.test" }, { ...settings, allowedDomains: [] })).toMatchObject({ ok: true });
  });

  test("a deactivated member is refused, by subject and by email", async () => {
    const first = await signInWithSso(db(), { issuer: ISSUER, subject: "sub-deact", email: "leaver@corp.test" }, settings);
    if (!first.ok) throw new Error("setup");
    await updateMembership(db(), orgId, first.user.id, { deactivatedAt: new Date() });
    expect(await signInWithSso(db(), { issuer: ISSUER, subject: "sub-deact", email: "leaver@corp.test" }, settings)).toMatchObject({ ok: false, reason: "deactivated" });
    expect(await signInWithSso(db(), { issuer: ISSUER, subject: "sub-deact-2", email: "leaver@corp.test" }, settings)).toMatchObject({ ok: false, reason: "deactivated" });
  });
});
