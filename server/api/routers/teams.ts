import { z } from "zod";
import {
  addTeamMember,
  createTeam,
  createTeamInputSchema,
  deleteTeam,
  getTeamDetail,
  listTeamsFor,
  removeTeamMember,
  updateTeam,
  updateTeamInputSchema,
} from "@/server/admin/teams";
import { procedureWith, router, unwrap } from "../trpc";

const teamId = z.object({ id: z.uuid() });
const teamMember = z.object({ teamId: z.uuid(), userId: z.uuid() });

export const teamsRouter = router({
  /** Every team, or a developer's own. */
  list: procedureWith("teams:read").query(async ({ ctx }) => unwrap(await listTeamsFor(ctx.db, ctx.actor))),
  get: procedureWith("teams:read").input(teamId).query(async ({ ctx, input }) => unwrap(await getTeamDetail(ctx.db, ctx.actor, input.id))),
  create: procedureWith("teams:write").input(createTeamInputSchema).mutation(async ({ ctx, input }) => unwrap(await createTeam(ctx.db, ctx.actor, input))),
  update: procedureWith("teams:write")
    .input(teamId.extend({ patch: updateTeamInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateTeam(ctx.db, ctx.actor, input.id, input.patch))),
  delete: procedureWith("teams:write").input(teamId).mutation(async ({ ctx, input }) => unwrap(await deleteTeam(ctx.db, ctx.actor, input.id))),
  addMember: procedureWith("teams:write").input(teamMember).mutation(async ({ ctx, input }) => unwrap(await addTeamMember(ctx.db, ctx.actor, input.teamId, input.userId))),
  removeMember: procedureWith("teams:write").input(teamMember).mutation(async ({ ctx, input }) => unwrap(await removeTeamMember(ctx.db, ctx.actor, input.teamId, input.userId))),
});
