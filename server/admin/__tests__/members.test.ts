import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { findUserByEmail, insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { authenticateAdmin } from "@/server/admin/admin-auth";
import { createAdminToken } from "@/server/admin/admin-tokens";
import { acceptInvitation, findUsableInvitation, inviteMember, revokeInvitation } from "@/server/admin/invitations";
import { createVirtualKey } from "@/server/admin/keys";
import { changeMemberRole, deactivateMember, reactivateMember } from "@/server/admin/members";
import type { Actor } from "@/server/admin/service-result";
import { resolveSessionActor } from "@/server/auth/session-actor";
import { hashToken } from "@/server/crypto/tokens";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let owner: Actor;
let admin: Actor;
let counter = 0;
const db = () => database.handle.db;
const rows = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => executeRows<T>(db(), query);

async function member(role: Role): Promise<Actor> {
  counter += 1;
  const user = await insertUserWithRole(db(), { email: `${role}-${counter}@example.test`, passwordHash: "x", orgId, role });
  return { orgId, id: `user:${user.id}`, userId: user.id, role };
}

function tokenOf(path: string): string {
  return decodeURIComponent(path.split("token=")[1]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
  owner = await member("owner");
  admin = await member("admin");
});
afterAll(async () => database?.drop());

describe("invitations", () => {
  test("a one-time link, hashed at rest, that creates the member with the invited role", async () => {
    const invited = await inviteMember(db(), admin, { email: "new.dev@example.test", role: "developer" });
    if (!invited.ok) throw new Error(invited.error.message);
    const token = tokenOf(invited.value.path);
    expect(token).toMatch(/^mgi_[A-Za-z0-9_-]{43}$/);
    expect(invited.value.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    const [stored] = await rows<Record<string, unknown>>(sql`select * from invitations where id = ${invited.value.id}`);
    expect(stored.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const [audit] = await rows<{ after: unknown }>(sql`select after from audit_log where action = 'member.invite' and target_id = ${invited.value.id}`);
    expect(JSON.stringify(audit.after)).not.toContain(token);
    expect(JSON.stringify(audit.after)).not.toContain(hashToken(token));

    expect(await findUsableInvitation(db(), token)).toMatchObject({ email: "new.dev@example.test", role: "developer" });
    expect(await acceptInvitation(db(), { token, name: "New Dev", password: "a-long-password-1" })).toEqual({ ok: true, value: { email: "new.dev@example.test" } });
    const user = await findUserByEmail(db(), "new.dev@example.test");
    expect(user).toMatchObject({ name: "New Dev", role: "developer", orgId, deactivatedAt: null });
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    const [join] = await rows<{ actor: string }>(sql`select actor from audit_log where action = 'member.join' and target_id = ${user!.id}`);
    expect(join.actor).toBe(`user:${user!.id}`);

    // Once only.
    expect(await findUsableInvitation(db(), token)).toBeNull();
    expect(await acceptInvitation(db(), { token, name: "Again", password: "a-long-password-1" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  test("two acceptances of one link at once create one member", async () => {
    const invited = await inviteMember(db(), owner, { email: "race@example.test", role: "viewer" });
    if (!invited.ok) throw new Error(invited.error.message);
    const token = tokenOf(invited.value.path);
    const results = await Promise.all([1, 2].map(() => acceptInvitation(db(), { token, name: "Racer", password: "a-long-password-1" })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect((await rows<{ n: number }>(sql`select count(*)::int as n from users where email = 'race@example.test'`))[0].n).toBe(1);
  });

  test.each([
    ["expired", async (id: string) => void (await db().execute(sql`update invitations set expires_at = now() - interval '1 second' where id = ${id}`))],
    ["revoked", async (id: string) => void (await revokeInvitation(db(), owner, id))],
  ])("an %s link cannot be used", async (_label, spoil) => {
    counter += 1;
    const invited = await inviteMember(db(), owner, { email: `spoiled-${counter}@example.test`, role: "viewer" });
    if (!invited.ok) throw new Error(invited.error.message);
    await spoil(invited.value.id);
    const token = tokenOf(invited.value.path);
    expect(await findUsableInvitation(db(), token)).toBeNull();
    expect(await acceptInvitation(db(), { token, name: "Late", password: "a-long-password-1" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  test("an invitation dies with its inviter's rights (deactivated or demoted since)", async () => {
    const inviter = await member("admin");
    const first = await inviteMember(db(), inviter, { email: "by-demoted@example.test", role: "admin" });
    if (!first.ok) throw new Error(first.error.message);
    expect(await changeMemberRole(db(), owner, inviter.userId!, "developer")).toMatchObject({ ok: true });
    expect(await findUsableInvitation(db(), tokenOf(first.value.path))).toBeNull();
  });

  test.each([
    ["admin invites an owner", () => admin, "owner", "forbidden"],
    ["a developer invites", () => ({ ...admin, role: "developer" as const }), "viewer", "forbidden"],
    ["finance invites", () => ({ ...admin, role: "finance" as const }), "viewer", "forbidden"],
  ] as const)("%s: %s", async (_label, actor, role, code) => {
    expect(await inviteMember(db(), actor(), { email: `nope-${Math.random()}@example.test`, role })).toMatchObject({ ok: false, error: { code } });
  });

  test("an owner invites an owner; an existing member or a pending invitation is a conflict on email", async () => {
    expect(await inviteMember(db(), owner, { email: "second.owner@example.test", role: "owner" })).toMatchObject({ ok: true });
    expect(await inviteMember(db(), owner, { email: "second.owner@example.test", role: "owner" })).toMatchObject({ ok: false, error: { code: "conflict", field: "email" } });
    const existing = await findUserByEmail(db(), "new.dev@example.test");
    expect(await inviteMember(db(), owner, { email: existing!.email, role: "viewer" })).toMatchObject({ ok: false, error: { code: "conflict", field: "email" } });
  });

  test("an admin cannot revoke an owner's invitation", async () => {
    const invited = await inviteMember(db(), owner, { email: "owner-invite@example.test", role: "owner" });
    if (!invited.ok) throw new Error(invited.error.message);
    expect(await revokeInvitation(db(), admin, invited.value.id)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await revokeInvitation(db(), owner, invited.value.id)).toMatchObject({ ok: true });
  });
});

describe("roles and the last owner", () => {
  test.each([
    ["an admin promotes to owner", "admin", "developer", "owner", "forbidden"],
    ["an admin demotes an owner", "admin", "owner", "admin", "forbidden"],
    ["a developer changes a role", "developer", "viewer", "finance", "forbidden"],
    ["an admin demotes an admin", "admin", "admin", "viewer", "ok"],
    ["an owner promotes to owner", "owner", "developer", "owner", "ok"],
  ] as const)("%s: %s", async (_label, actorRole, targetRole, newRole, expected) => {
    const target = await member(targetRole);
    const actor = actorRole === "owner" ? owner : actorRole === "admin" ? admin : await member(actorRole);
    const result = await changeMemberRole(db(), actor, target.userId!, newRole);
    if (expected === "ok") expect(result).toMatchObject({ ok: true, value: { role: newRole } });
    else expect(result).toMatchObject({ ok: false, error: { code: expected } });
  });

  test("the last owner can be neither demoted nor deactivated; with two, one can go", async () => {
    const fresh = await createTestDatabase();
    try {
      const freshOrg = await ensureDefaultOrg(fresh.handle.db);
      const only = await insertUserWithRole(fresh.handle.db, { email: "only@example.test", passwordHash: "x", orgId: freshOrg, role: "owner" });
      const env: Actor = { orgId: freshOrg, id: "admin_key:env", role: "owner" };
      expect(await changeMemberRole(fresh.handle.db, env, only.id, "admin")).toMatchObject({ ok: false, error: { code: "conflict" } });
      expect(await deactivateMember(fresh.handle.db, env, only.id, { revoke_keys: false })).toMatchObject({ ok: false, error: { code: "conflict" } });

      // Two owners demoting each other at the same moment: exactly one demotion commits.
      const other = await insertUserWithRole(fresh.handle.db, { email: "other@example.test", passwordHash: "x", orgId: freshOrg, role: "owner" });
      const a: Actor = { orgId: freshOrg, id: `user:${only.id}`, userId: only.id, role: "owner" };
      const b: Actor = { orgId: freshOrg, id: `user:${other.id}`, userId: other.id, role: "owner" };
      const results = await Promise.all([changeMemberRole(fresh.handle.db, a, other.id, "admin"), changeMemberRole(fresh.handle.db, b, only.id, "admin")]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      const [owners] = await executeRows<{ n: number }>(fresh.handle.db, sql`select count(*)::int as n from memberships where role = 'owner' and deactivated_at is null`);
      expect(owners.n).toBe(1);
    } finally {
      await fresh.drop();
    }
  });
});

describe("deactivation", () => {
  test.each([
    [false, "active"],
    [true, "revoked"],
  ])("ends sessions at once; revoke_keys %s leaves the keys %s", async (revokeKeys, keyState) => {
    const target = await member("developer");
    const key = await createVirtualKey(db(), target, { name: "dev-key" });
    if (!key.ok) throw new Error(key.error.message);
    expect(await resolveSessionActor(db(), target.userId!, 0)).toMatchObject({ role: "developer", userId: target.userId });

    const result = await deactivateMember(db(), admin, target.userId!, { revoke_keys: revokeKeys });
    expect(result).toMatchObject({ ok: true, value: { revokedKeyIds: revokeKeys ? [key.value.id] : [] } });
    expect(await resolveSessionActor(db(), target.userId!, 0)).toBeNull();
    // The bumped version alone would end it too: an old JWT never matches again, even after reactivation.
    const [user] = await rows<{ session_version: number }>(sql`select session_version from users where id = ${target.userId}`);
    expect(user.session_version).toBe(1);
    expect((await findUserByEmail(db(), (await rows<{ email: string }>(sql`select email from users where id = ${target.userId}`))[0].email))?.deactivatedAt).toBeInstanceOf(Date);
    const [stored] = await rows<{ revoked_at: Date | null }>(sql`select revoked_at from virtual_keys where id = ${key.value.id}`);
    expect(stored.revoked_at === null ? "active" : "revoked").toBe(keyState);
    const audits = await rows<{ action: string }>(sql`select action from audit_log where target_id in (${target.userId}, ${key.value.id}) and action <> 'key.create' order by id`);
    expect(audits.map((audit) => audit.action)).toEqual(revokeKeys ? ["key.revoke", "member.deactivate"] : ["member.deactivate"]);

    expect(await reactivateMember(db(), admin, target.userId!)).toMatchObject({ ok: true, value: { deactivatedAt: null } });
    expect(await resolveSessionActor(db(), target.userId!, 0)).toBeNull();
    expect(await resolveSessionActor(db(), target.userId!, 1)).toMatchObject({ role: "developer" });
  });

  test("an admin cannot deactivate an owner, nor anyone themself", async () => {
    expect(await deactivateMember(db(), admin, owner.userId!, { revoke_keys: false })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await deactivateMember(db(), admin, admin.userId!, { revoke_keys: false })).toMatchObject({ ok: false, error: { code: "invalid" } });
  });
});

describe("admin tokens never exceed their creator", () => {
  test("an admin cannot make an owner token; an admin's token acts as admin", async () => {
    expect(await createAdminToken(db(), admin, { name: "too-much", role: "owner" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const made = await createAdminToken(db(), admin, { name: "ci" });
    if (!made.ok) throw new Error(made.error.message);
    expect(made.value.role).toBe("admin");
    expect(await authenticateAdmin(db(), `Bearer ${made.value.token}`, undefined)).toMatchObject({ role: "admin", userId: admin.userId });
  });

  test("an owner token follows its creator down: demoted to admin, it acts as admin; deactivated, it stops", async () => {
    const creator = await member("owner");
    const made = await createAdminToken(db(), creator, { name: "owner-ci" });
    if (!made.ok) throw new Error(made.error.message);
    expect(await authenticateAdmin(db(), `Bearer ${made.value.token}`, undefined)).toMatchObject({ role: "owner" });
    await changeMemberRole(db(), owner, creator.userId!, "admin");
    expect(await authenticateAdmin(db(), `Bearer ${made.value.token}`, undefined)).toMatchObject({ role: "admin" });
    await deactivateMember(db(), owner, creator.userId!, { revoke_keys: false });
    expect(await authenticateAdmin(db(), `Bearer ${made.value.token}`, undefined)).toBeNull();
  });

  test("a viewer token made by an owner reads but cannot write", async () => {
    const made = await createAdminToken(db(), owner, { name: "dashboard", role: "viewer" });
    if (!made.ok) throw new Error(made.error.message);
    const actor = await authenticateAdmin(db(), `Bearer ${made.value.token}`, undefined);
    expect(actor?.role).toBe("viewer");
    expect(await inviteMember(db(), actor!, { email: "via-viewer@example.test", role: "viewer" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
