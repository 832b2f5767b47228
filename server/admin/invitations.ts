import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import {
  findInvitation,
  findInvitationByTokenHash,
  findPendingInvitationForEmail,
  insertInvitation,
  listOpenInvitations,
  markInvitationAccepted,
  revokeInvitationRow,
} from "@/db/queries/invitations";
import { findUserByEmail, insertUserWithRole } from "@/db/queries/users";
import { hashPassword } from "@/server/crypto/password";
import { hashToken } from "@/server/crypto/tokens";
import { currentRoleOf } from "./actor-role";
import { checkMayManage, roleSchema } from "./members";
import { can, isRoleWithin } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

/** Invitation links work for 7 days. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const inviteInputSchema = z.object({
  email: z.string().trim().toLowerCase().email("email must be an email address").max(320),
  role: roleSchema,
});
export type InviteInput = z.infer<typeof inviteInputSchema>;

export const acceptInvitationInputSchema = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().min(1, "Enter your name").max(100),
  password: z.string().min(12, "Use at least 12 characters").max(200),
});
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInputSchema>;

export type InvitationView = Awaited<ReturnType<typeof listOpenInvitations>>[number];

/** The console page the link opens (the origin is added by the caller: the browser's or PUBLIC_URL). */
export function invitationPath(token: string): string {
  return `/invite?token=${encodeURIComponent(token)}`;
}

export async function listInvitations(db: Database, actor: Actor): Promise<ServiceResult<Array<InvitationView & { isExpired: boolean }>>> {
  if (!can(actor.role, "members:read")) return failure({ code: "forbidden", message: "Your role cannot view members." });
  const now = Date.now();
  return ok((await listOpenInvitations(db, actor.orgId)).map((row) => ({ ...row, isExpired: row.expiresAt.getTime() <= now })));
}

/** A one-time link (token `mgi_…`, stored as its SHA-256) to join with `role`; returned once. */
export async function inviteMember(db: Database, actor: Actor, input: InviteInput): Promise<ServiceResult<InvitationView & { token: string; path: string }>> {
  const allowed = checkMayManage(actor, input.role);
  if (!allowed.ok) return allowed;
  const existing = await findUserByEmail(db, input.email);
  if (existing) {
    const message = existing.deactivatedAt ? `${input.email} is a deactivated member: reactivate them instead.` : `${input.email} is a member already.`;
    return failure({ code: "conflict", message, field: "email" });
  }
  if (await findPendingInvitationForEmail(db, actor.orgId, input.email)) {
    return failure({ code: "conflict", message: `${input.email} has a pending invitation: revoke it to send a new one.`, field: "email" });
  }
  const token = `mgi_${randomBytes(32).toString("base64url")}`;
  const invitation = await db.transaction(async (tx) => {
    const created = await insertInvitation(tx, { orgId: actor.orgId, email: input.email, role: input.role, tokenHash: hashToken(token), invitedBy: actor.id, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "member.invite", targetType: "invitation", targetId: created.id, after: created });
    return created;
  });
  return ok({ ...invitation, token, path: invitationPath(token) });
}

export async function revokeInvitation(db: Database, actor: Actor, id: string): Promise<ServiceResult<InvitationView>> {
  if (!can(actor.role, "members:write")) return failure({ code: "forbidden", message: "Your role cannot manage members." });
  const existing = await findInvitation(db, actor.orgId, id);
  if (!existing || existing.acceptedAt || existing.revokedAt) return failure({ code: "not_found", message: "No such open invitation." });
  const allowed = checkMayManage(actor, existing.role);
  if (!allowed.ok) return allowed;
  const row = await db.transaction(async (tx) => {
    const revoked = await revokeInvitationRow(tx, actor.orgId, id);
    if (revoked) await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "member.revoke_invitation", targetType: "invitation", targetId: id, before: existing, after: revoked });
    return revoked;
  });
  return row ? ok(row) : failure({ code: "not_found", message: "No such open invitation." });
}

/**
 * The invitation behind a link if it can still be used: not accepted, revoked or expired, its
 * email not taken, and its inviter still holding the rights to give that role (an inviter who was
 * deactivated or demoted since cannot hand out more than they have now).
 */
async function usableInvitation(db: Executor, token: string, options: { forUpdate?: boolean } = {}) {
  const row = await findInvitationByTokenHash(db, hashToken(token), options);
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return null;
  const inviterRole = await currentRoleOf(db, row.orgId, row.invitedBy);
  if (!inviterRole || !can(inviterRole, "members:write") || !isRoleWithin(row.role, inviterRole)) return null;
  if (await findUserByEmail(db, row.email)) return null;
  return row;
}

export async function findUsableInvitation(db: Database, token: string): Promise<{ email: string; role: InvitationView["role"]; expiresAt: Date } | null> {
  if (token.length < 10 || token.length > 200) return null;
  const row = await usableInvitation(db, token);
  return row ? { email: row.email, role: row.role, expiresAt: row.expiresAt } : null;
}

const unusable = failure({ code: "forbidden", message: "This invitation link is invalid, expired or already used. Ask an owner or admin for a new one." });

/** Creates the member from a one-time link; the link dies with it. */
export async function acceptInvitation(db: Database, input: AcceptInvitationInput): Promise<ServiceResult<{ email: string }>> {
  if (!(await usableInvitation(db, input.token))) return unusable;
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const invitation = await usableInvitation(tx, input.token, { forUpdate: true });
      if (!invitation) return unusable;
      const user = await insertUserWithRole(tx, { email: invitation.email, name: input.name, passwordHash, orgId: invitation.orgId, role: invitation.role });
      await markInvitationAccepted(tx, invitation.id, user.id);
      await writeAudit(tx, {
        orgId: invitation.orgId,
        actor: `user:${user.id}`,
        action: "member.join",
        targetType: "user",
        targetId: user.id,
        after: { email: user.email, name: input.name, role: invitation.role, invitationId: invitation.id, invitedBy: invitation.invitedBy },
      });
      return ok({ email: user.email });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return unusable;
    throw error;
  }
}
