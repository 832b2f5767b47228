import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { findUserByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/server/crypto/password";
import { clearLoginAttempts, registerLoginAttempt } from "./login-throttle";

// A valid argon2id hash of a random string: failed lookups cost the same time as wrong passwords.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$JyCRLX/eWD5TBADjXI9lsg$x7etTie4wRCtIW4TIcF5OmvNv/gzvK7+IChv7j1oPhQ";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  sessionVersion: number;
}

export type PasswordSignInResult = { ok: true; user: SignedInUser } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; retryAt: Date };

type FailureReason = "unknown_email" | "wrong_password" | "deactivated" | "throttled";

/** A failed sign-in in the audit log: the email attempted and why, never the password. */
async function auditFailure(db: Database, email: string, ip: string, reason: FailureReason, user?: { id: string; orgId: string | null }): Promise<void> {
  await writeAudit(db, {
    orgId: user?.orgId ?? (await ensureDefaultOrg(db)),
    actor: "anonymous",
    action: "auth.sign_in_failed",
    targetType: "user",
    targetId: user?.id ?? null,
    after: { email, method: "password", reason, ip },
    source: "console",
  });
}

/**
 * Email + password sign-in: the attempt is counted across replicas first (login-throttle.ts),
 * then the password is checked; success and failure are both audited. A deactivated member gets
 * the same answer as a wrong password.
 */
export async function signInWithPassword(db: Database, input: { email: string; password: string; ip: string }): Promise<PasswordSignInResult> {
  const { email, password } = input;
  const ip = input.ip === "*" || !input.ip ? "unknown" : input.ip.slice(0, 100);
  const attempt = await registerLoginAttempt(db, email, ip);
  if (!attempt.allowed) {
    await auditFailure(db, email, ip, "throttled");
    return { ok: false, reason: "throttled", retryAt: attempt.retryAt };
  }
  const user = await findUserByEmail(db, email);
  const valid = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !valid || user.deactivatedAt || !user.orgId) {
    await auditFailure(db, email, ip, !user ? "unknown_email" : !valid ? "wrong_password" : "deactivated", user);
    return { ok: false, reason: "invalid" };
  }
  const orgId = user.orgId;
  await db.transaction(async (tx) => {
    await clearLoginAttempts(tx, email, ip);
    await writeAudit(tx, { orgId, actor: `user:${user.id}`, action: "auth.sign_in", targetType: "user", targetId: user.id, after: { email: user.email, method: "password", ip }, source: "console" });
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion } };
}
