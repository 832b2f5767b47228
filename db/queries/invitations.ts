import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { invitations } from "../schema";

/** Everything but the token hash. */
export const publicInvitationColumns = {
  id: invitations.id,
  orgId: invitations.orgId,
  email: invitations.email,
  role: invitations.role,
  invitedBy: invitations.invitedBy,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
};

export async function insertInvitation(tx: Executor, values: typeof invitations.$inferInsert) {
  const [row] = await tx.insert(invitations).values(values).returning(publicInvitationColumns);
  return row;
}

/** Not accepted and not revoked (expired ones included, so the console can say so). */
export async function listOpenInvitations(db: Executor, orgId: string) {
  return db
    .select(publicInvitationColumns)
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(desc(invitations.createdAt));
}

export async function findInvitation(db: Executor, orgId: string, id: string) {
  const [row] = await db.select(publicInvitationColumns).from(invitations).where(and(eq(invitations.orgId, orgId), eq(invitations.id, id)));
  return row;
}

/** A pending (unexpired, unused, unrevoked) invitation for this email. */
export async function findPendingInvitationForEmail(db: Executor, orgId: string, email: string, now = new Date()) {
  const [row] = await db
    .select(publicInvitationColumns)
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)));
  return row;
}

/** By the SHA-256 of its token; `forUpdate` locks it so two acceptances cannot both succeed. */
export async function findInvitationByTokenHash(db: Executor, tokenHash: string, options: { forUpdate?: boolean } = {}) {
  const query = db.select(publicInvitationColumns).from(invitations).where(eq(invitations.tokenHash, tokenHash));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  return row;
}

export async function markInvitationAccepted(tx: Executor, id: string, userId: string): Promise<void> {
  await tx.update(invitations).set({ acceptedAt: new Date(), acceptedUserId: userId }).where(eq(invitations.id, id));
}

export async function revokeInvitationRow(tx: Executor, orgId: string, id: string) {
  const [row] = await tx
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning(publicInvitationColumns);
  return row;
}
