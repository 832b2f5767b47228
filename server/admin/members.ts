import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { bumpSessionVersion, findMember, listMembers, lockActiveOwners, updateMembership, type MemberRow } from "@/db/queries/users";
import { revokeKeysOfUser } from "@/db/queries/virtual-keys";
import { roleEnum, type Role } from "@/db/schema";
import { can, isRoleWithin } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export const roleSchema = z.enum(roleEnum.enumValues, { message: `role must be one of: ${roleEnum.enumValues.join(", ")}` });
export const changeRoleInputSchema = z.object({ role: roleSchema });
/** The admin chooses, every time, whether the member's keys keep working. */
export const deactivateInputSchema = z.object({ revoke_keys: z.boolean({ message: "revoke_keys must be true or false" }) });
export type DeactivateInput = z.infer<typeof deactivateInputSchema>;

export type MemberView = MemberRow;

/** members:write, and every role involved within the actor's own: only an owner manages owners. */
export function checkMayManage(actor: Actor, ...roles: Role[]): ServiceResult<true> {
  if (!can(actor.role, "members:write")) return failure({ code: "forbidden", message: "Your role cannot manage members." });
  for (const role of roles) {
    if (!isRoleWithin(role, actor.role)) return failure({ code: "forbidden", message: role === "owner" ? "Only an owner can manage owners." : `Your role cannot manage the ${role} role.` });
  }
  return ok(true);
}

export async function listOrgMembers(db: Database, actor: Actor): Promise<ServiceResult<MemberView[]>> {
  if (!can(actor.role, "members:read")) return failure({ code: "forbidden", message: "Your role cannot view members." });
  return ok(await listMembers(db, actor.orgId));
}

/**
 * Locks the org's active owners, then the member: the last-owner rule and the rights check see
 * the state the change commits on, even with concurrent changes.
 */
async function lockMember(tx: Executor, orgId: string, userId: string) {
  const owners = await lockActiveOwners(tx, orgId);
  const member = await findMember(tx, orgId, userId, { forUpdate: true });
  return { member, isLastOwner: member?.role === "owner" && !member.deactivatedAt && owners.every((id) => id === userId) };
}

const lastOwner = failure({ code: "conflict", message: "This is the last owner: make another member an owner first." });

export async function changeMemberRole(db: Database, actor: Actor, userId: string, role: Role): Promise<ServiceResult<MemberView>> {
  const allowed = checkMayManage(actor, role);
  if (!allowed.ok) return allowed;
  return db.transaction(async (tx) => {
    const { member, isLastOwner } = await lockMember(tx, actor.orgId, userId);
    if (!member) return failure({ code: "not_found", message: "No such member." });
    const mayTouch = checkMayManage(actor, member.role, role);
    if (!mayTouch.ok) return mayTouch;
    if (member.role === role) return ok(member);
    if (isLastOwner) return lastOwner;
    await updateMembership(tx, actor.orgId, userId, { role });
    const after = { ...member, role };
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "member.change_role", targetType: "user", targetId: userId, before: member, after });
    // The gateway's snapshot carries each key's member role (policy rules match it).
    await notifyConfigChanged(tx, "keys");
    return ok(after);
  });
}

/** Ends the member's console sessions at once; revokes their keys too when `revoke_keys` says so. */
export async function deactivateMember(db: Database, actor: Actor, userId: string, input: DeactivateInput): Promise<ServiceResult<MemberView & { revokedKeyIds: string[] }>> {
  const allowed = checkMayManage(actor);
  if (!allowed.ok) return allowed;
  if (userId === actor.userId) return failure({ code: "invalid", message: "You cannot deactivate yourself: ask another owner or admin." });
  return db.transaction(async (tx) => {
    const { member, isLastOwner } = await lockMember(tx, actor.orgId, userId);
    if (!member) return failure({ code: "not_found", message: "No such member." });
    const mayTouch = checkMayManage(actor, member.role);
    if (!mayTouch.ok) return mayTouch;
    if (member.deactivatedAt) return failure({ code: "conflict", message: "This member is deactivated already." });
    if (isLastOwner) return lastOwner;
    const deactivatedAt = new Date();
    await updateMembership(tx, actor.orgId, userId, { deactivatedAt });
    await bumpSessionVersion(tx, userId);
    const revoked = input.revoke_keys ? await revokeKeysOfUser(tx, actor.orgId, userId) : [];
    for (const key of revoked) {
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "key.revoke", targetType: "virtual_key", targetId: key.id, before: { ...key, revokedAt: null }, after: { ...key, reason: "member.deactivate" } });
    }
    if (revoked.length > 0) await notifyConfigChanged(tx, "keys");
    const after = { ...member, deactivatedAt, revokedKeyIds: revoked.map((key) => key.id) };
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "member.deactivate", targetType: "user", targetId: userId, before: member, after: { ...after, keysRevoked: input.revoke_keys } });
    return ok(after);
  });
}

/** Lets the member sign in again (their old sessions stay ended; keys revoked on deactivation stay revoked). */
export async function reactivateMember(db: Database, actor: Actor, userId: string): Promise<ServiceResult<MemberView>> {
  const allowed = checkMayManage(actor);
  if (!allowed.ok) return allowed;
  return db.transaction(async (tx) => {
    const member = await findMember(tx, actor.orgId, userId, { forUpdate: true });
    if (!member) return failure({ code: "not_found", message: "No such member." });
    const mayTouch = checkMayManage(actor, member.role);
    if (!mayTouch.ok) return mayTouch;
    if (!member.deactivatedAt) return failure({ code: "conflict", message: "This member is active already." });
    await updateMembership(tx, actor.orgId, userId, { deactivatedAt: null });
    const after = { ...member, deactivatedAt: null };
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "member.reactivate", targetType: "user", targetId: userId, before: member, after });
    return ok(after);
  });
}
