import { randomBytes } from "node:crypto";
import type { Database, Executor } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { findIdentity, insertIdentity, touchIdentity } from "@/db/queries/user-identities";
import { findSessionMember, findUserByEmail, insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { isUniqueViolation } from "@/server/admin/service-result";
import { hashPassword } from "@/server/crypto/password";
import type { SignedInUser } from "./password-sign-in";

/** What the IdP asserted (from the validated ID token). */
export interface SsoProfile {
  issuer: string;
  subject: string;
  email?: string | null;
  /** false refuses the sign-in; absent (many IdPs omit it) is accepted. */
  emailVerified?: boolean | string | null;
  name?: string | null;
}

export interface SsoSettings {
  /** Lower-case domains; empty: every domain. */
  allowedDomains: readonly string[];
  defaultRole: Exclude<Role, "owner">;
}

export type SsoRefusal = "no_email" | "email_unverified" | "domain_not_allowed" | "deactivated";
export type SsoSignInResult = { ok: true; user: SignedInUser; isNewUser: boolean } | { ok: false; reason: SsoRefusal; domain?: string };

async function refuse(db: Database, profile: SsoProfile, email: string | null, reason: SsoRefusal, user?: { id: string; orgId: string | null }): Promise<SsoSignInResult> {
  await writeAudit(db, {
    orgId: user?.orgId ?? (await ensureDefaultOrg(db)),
    actor: "anonymous",
    action: "auth.sign_in_failed",
    targetType: "user",
    targetId: user?.id ?? null,
    after: { email, method: "sso", reason, issuer: profile.issuer, subject: profile.subject },
    source: "sso",
  });
  return { ok: false, reason, domain: email?.split("@").pop() };
}

/**
 * The user behind an identity: linked before, or the member with that email (linked now), or a
 * new member with the default role (provisioned now, with a random password nobody knows). One
 * transaction, audited with source "sso".
 */
async function resolveUser(tx: Executor, profile: SsoProfile, email: string, settings: SsoSettings): Promise<{ userId: string; isNewUser: boolean }> {
  const identity = await findIdentity(tx, profile.issuer, profile.subject);
  if (identity) return { userId: identity.userId, isNewUser: false };
  const existing = await findUserByEmail(tx, email);
  if (existing) {
    await insertIdentity(tx, { issuer: profile.issuer, subject: profile.subject, userId: existing.id, email });
    await writeAudit(tx, { orgId: existing.orgId ?? (await ensureDefaultOrg(tx)), actor: `user:${existing.id}`, action: "member.link_sso", targetType: "user", targetId: existing.id, after: { email, issuer: profile.issuer, subject: profile.subject }, source: "sso" });
    return { userId: existing.id, isNewUser: false };
  }
  const orgId = await ensureDefaultOrg(tx);
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const user = await insertUserWithRole(tx, { email, name: profile.name?.trim().slice(0, 100) || null, passwordHash, orgId, role: settings.defaultRole });
  await insertIdentity(tx, { issuer: profile.issuer, subject: profile.subject, userId: user.id, email });
  await writeAudit(tx, { orgId, actor: `user:${user.id}`, action: "member.provision", targetType: "user", targetId: user.id, after: { email, name: profile.name ?? null, role: settings.defaultRole, issuer: profile.issuer, subject: profile.subject }, source: "sso" });
  return { userId: user.id, isNewUser: true };
}

/**
 * An OpenID Connect sign-in: the email must be present, not marked unverified and in an allowed
 * domain; the member is found or provisioned; a deactivated member is refused. The session then
 * carries the member's session version like a password sign-in, so deactivation ends it at once.
 */
export async function signInWithSso(db: Database, profile: SsoProfile, settings: SsoSettings): Promise<SsoSignInResult> {
  const email = profile.email?.trim().toLowerCase() || null;
  if (!email || !email.includes("@")) return refuse(db, profile, email, "no_email");
  if (profile.emailVerified === false || profile.emailVerified === "false") return refuse(db, profile, email, "email_unverified");
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (settings.allowedDomains.length > 0 && !settings.allowedDomains.includes(domain)) return refuse(db, profile, email, "domain_not_allowed");

  let resolved: { userId: string; isNewUser: boolean };
  try {
    resolved = await db.transaction((tx) => resolveUser(tx, profile, email, settings));
  } catch (error) {
    // Two first sign-ins at once: the other one provisioned the member; link to it.
    if (!isUniqueViolation(error)) throw error;
    resolved = await db.transaction((tx) => resolveUser(tx, profile, email, settings));
  }
  const member = await findSessionMember(db, resolved.userId);
  if (!member || member.deactivatedAt) return refuse(db, profile, email, "deactivated", { id: resolved.userId, orgId: member?.orgId ?? null });
  await db.transaction(async (tx) => {
    await touchIdentity(tx, profile.issuer, profile.subject);
    await writeAudit(tx, { orgId: member.orgId, actor: `user:${resolved.userId}`, action: "auth.sign_in", targetType: "user", targetId: resolved.userId, after: { email: member.email, method: "sso", issuer: profile.issuer }, source: "sso" });
  });
  const user = await findUserByEmail(db, member.email);
  return { ok: true, isNewUser: resolved.isNewUser, user: { id: resolved.userId, email: member.email, name: user?.name ?? member.email, sessionVersion: member.sessionVersion } };
}
