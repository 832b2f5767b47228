import { z } from "zod";
import { inviteInputSchema, inviteMember, listInvitations, revokeInvitation } from "@/server/admin/invitations";
import { changeMemberRole, changeRoleInputSchema, deactivateInputSchema, deactivateMember, listOrgMembers, reactivateMember } from "@/server/admin/members";
import { procedureWith, router, unwrap } from "../trpc";

const memberId = z.object({ userId: z.uuid() });

export const membersRouter = router({
  list: procedureWith("members:read").query(async ({ ctx }) => unwrap(await listOrgMembers(ctx.db, ctx.actor))),
  invitations: procedureWith("members:read").query(async ({ ctx }) => unwrap(await listInvitations(ctx.db, ctx.actor))),
  /** Returns the invitation's token and path once; the console shows the link to copy. */
  invite: procedureWith("members:write").input(inviteInputSchema).mutation(async ({ ctx, input }) => unwrap(await inviteMember(ctx.db, ctx.actor, input))),
  revokeInvitation: procedureWith("members:write").input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => unwrap(await revokeInvitation(ctx.db, ctx.actor, input.id))),
  changeRole: procedureWith("members:write")
    .input(memberId.extend(changeRoleInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await changeMemberRole(ctx.db, ctx.actor, input.userId, input.role))),
  deactivate: procedureWith("members:write")
    .input(memberId.extend(deactivateInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await deactivateMember(ctx.db, ctx.actor, input.userId, { revoke_keys: input.revoke_keys }))),
  reactivate: procedureWith("members:write").input(memberId).mutation(async ({ ctx, input }) => unwrap(await reactivateMember(ctx.db, ctx.actor, input.userId))),
});
