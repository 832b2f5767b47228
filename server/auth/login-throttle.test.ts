/**
 * Sign-in throttling holds across replicas: two app instances (two connection pools) on one
 * PostgreSQL share the counts. Parallel guesses through both verify at most the limit's worth
 * of passwords; the lockout names when to retry; a success clears its address; every attempt
 * is audited without the password.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows, openDatabase, type DatabaseHandle } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUserWithRole, updateMembership } from "@/db/queries/users";
import { hashPassword } from "@/server/crypto/password";
import { describeRetry, PER_ADDRESS, PER_EMAIL, WINDOW_MS } from "./login-throttle";
import { signInWithPassword } from "./password-sign-in";

const PASSWORD = "correct-horse-battery-staple";
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let replicaA: DatabaseHandle;
let replicaB: DatabaseHandle;
let orgId: string;
let counter = 0;

async function freshMember(): Promise<string> {
  const email = `member-${++counter}@throttle.test`;
  await insertUserWithRole(database.handle.db, { email, passwordHash: await hashPassword(PASSWORD), orgId, role: "viewer" });
  return email;
}

beforeAll(async () => {
  database = await createTestDatabase();
  replicaA = await openDatabase({ databaseUrl: database.url, max: 4 });
  replicaB = await openDatabase({ databaseUrl: database.url, max: 4 });
  orgId = await ensureDefaultOrg(database.handle.db);
});
afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await database?.drop();
});

const replicas = () => [replicaA.db, replicaB.db];

describe("across two replicas", () => {
  test("parallel wrong passwords from one address: exactly PER_ADDRESS are checked, the rest are locked out", async () => {
    const email = await freshMember();
    const results = await Promise.all(Array.from({ length: 12 }, (_, index) => signInWithPassword(replicas()[index % 2], { email, password: `guess-${index}`, ip: "203.0.113.7" })));
    expect(results.filter((result) => !result.ok && result.reason === "invalid")).toHaveLength(PER_ADDRESS);
    expect(results.filter((result) => !result.ok && result.reason === "throttled")).toHaveLength(12 - PER_ADDRESS);
    // The right password is refused too until the window passes, on either replica.
    for (const db of replicas()) {
      const locked = await signInWithPassword(db, { email, password: PASSWORD, ip: "203.0.113.7" });
      expect(locked).toMatchObject({ ok: false, reason: "throttled" });
      if (!locked.ok && locked.reason === "throttled") {
        expect(locked.retryAt.getTime() - Date.now()).toBeGreaterThan(WINDOW_MS - 60_000);
        expect(locked.retryAt.getTime() - Date.now()).toBeLessThanOrEqual(WINDOW_MS);
        expect(describeRetry(locked.retryAt)).toMatch(/^Too many failed sign-ins for this email\. Try again in 1[45] minutes\.$/);
      }
    }
    // Another address is not locked by this one's failures.
    expect(await signInWithPassword(replicaB.db, { email, password: PASSWORD, ip: "198.51.100.1" })).toMatchObject({ ok: true });
  });

  test("guesses spread over many addresses stop at PER_EMAIL for the email", async () => {
    const email = await freshMember();
    const results = await Promise.all(Array.from({ length: PER_EMAIL + 10 }, (_, index) => signInWithPassword(replicas()[index % 2], { email, password: "nope", ip: `192.0.2.${index}` })));
    expect(results.filter((result) => !result.ok && result.reason === "invalid")).toHaveLength(PER_EMAIL);
    expect(await signInWithPassword(replicaA.db, { email, password: PASSWORD, ip: "192.0.2.250" })).toMatchObject({ ok: false, reason: "throttled" });
  });

  test("the lock ends when the window has passed", async () => {
    const email = await freshMember();
    for (let index = 0; index <= PER_ADDRESS; index++) await signInWithPassword(replicaA.db, { email, password: "nope", ip: "203.0.113.9" });
    expect(await signInWithPassword(replicaB.db, { email, password: PASSWORD, ip: "203.0.113.9" })).toMatchObject({ ok: false, reason: "throttled" });
    await executeRows(database.handle.db, sql`update login_attempts set window_started_at = now() - ${WINDOW_MS + 1000}::bigint * interval '1 millisecond' where email = ${email}`);
    expect(await signInWithPassword(replicaB.db, { email, password: PASSWORD, ip: "203.0.113.9" })).toMatchObject({ ok: true });
  });

  test("a success clears its address's count, so typos do not add up", async () => {
    const email = await freshMember();
    for (let round = 0; round < 3; round++) {
      for (let typo = 0; typo < PER_ADDRESS - 1; typo++) expect(await signInWithPassword(replicas()[typo % 2], { email, password: "typo", ip: "203.0.113.20" })).toMatchObject({ ok: false, reason: "invalid" });
      expect(await signInWithPassword(replicaA.db, { email, password: PASSWORD, ip: "203.0.113.20" })).toMatchObject({ ok: true });
    }
  });
});

describe("audit", () => {
  test("sign-ins and failed sign-ins are recorded with the email and the reason, never the password", async () => {
    const email = await freshMember();
    const deactivated = await freshMember();
    const [member] = await executeRows<{ id: string }>(database.handle.db, sql`select id from users where email = ${deactivated}`);
    await updateMembership(database.handle.db, orgId, member.id, { deactivatedAt: new Date() });
    await signInWithPassword(replicaA.db, { email, password: "wrong-secret-guess", ip: "203.0.113.30" });
    await signInWithPassword(replicaA.db, { email, password: PASSWORD, ip: "203.0.113.30" });
    await signInWithPassword(replicaA.db, { email: "ghost@throttle.test", password: "ghost-secret-guess", ip: "203.0.113.30" });
    await signInWithPassword(replicaA.db, { email: deactivated, password: PASSWORD, ip: "203.0.113.30" });
    const rows = await executeRows<{ action: string; actor: string; source: string; after: { email: string; reason?: string } }>(
      database.handle.db,
      sql`select action, actor, source, after from audit_log where after->>'ip' = '203.0.113.30' order by id`,
    );
    expect(rows.map((row) => [row.action, row.after.email, row.after.reason ?? null, row.source])).toEqual([
      ["auth.sign_in_failed", email, "wrong_password", "console"],
      ["auth.sign_in", email, null, "console"],
      ["auth.sign_in_failed", "ghost@throttle.test", "unknown_email", "console"],
      ["auth.sign_in_failed", deactivated, "deactivated", "console"],
    ]);
    expect(rows[1].actor).toMatch(/^user:/);
    expect(rows[0].actor).toBe("anonymous");
    const written = JSON.stringify(rows);
    for (const secret of [PASSWORD, "wrong-secret-guess", "ghost-secret-guess"]) expect(written).not.toContain(secret);
  });
});
