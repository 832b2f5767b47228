import { z } from "zod";
import { createGroup, createGroupInputSchema, deleteGroup, getGroup, listGroups, listRoutingEvents, restoreGroupVersion, routingEventsInputSchema, updateGroup, updateGroupInputSchema } from "@/server/admin/groups";
import { procedureWith, router, unwrap } from "../trpc";

const groupId = z.object({ id: z.uuid() });

export const groupsRouter = router({
  list: procedureWith("routing:read").query(async ({ ctx }) => unwrap(await listGroups(ctx.db, ctx.actor))),
  events: procedureWith("routing:read").input(routingEventsInputSchema).query(async ({ ctx, input }) => unwrap(await listRoutingEvents(ctx.db, ctx.actor, input))),
  get: procedureWith("routing:read").input(groupId).query(async ({ ctx, input }) => unwrap(await getGroup(ctx.db, ctx.actor, input.id))),
  create: procedureWith("routing:write").input(createGroupInputSchema).mutation(async ({ ctx, input }) => unwrap(await createGroup(ctx.db, ctx.actor, input))),
  update: procedureWith("routing:write")
    .input(groupId.extend({ patch: updateGroupInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateGroup(ctx.db, ctx.actor, input.id, input.patch))),
  restore: procedureWith("routing:write")
    .input(groupId.extend({ version: z.number().int().positive() }))
    .mutation(async ({ ctx, input }) => unwrap(await restoreGroupVersion(ctx.db, ctx.actor, input.id, input.version))),
  delete: procedureWith("routing:write").input(groupId).mutation(async ({ ctx, input }) => unwrap(await deleteGroup(ctx.db, ctx.actor, input.id))),
});
