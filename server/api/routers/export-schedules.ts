import { z } from "zod";
import {
  createExportSchedule,
  createExportScheduleInputSchema,
  deleteExportSchedule,
  getExportSchedule,
  listExportSchedulesFor,
  sendExportInputSchema,
  sendExportNow,
  updateExportSchedule,
  updateExportScheduleInputSchema,
} from "@/server/admin/export-schedules";
import { procedureWith, router, unwrap } from "../trpc";

const scheduleId = z.object({ id: z.uuid() });

export const exportSchedulesRouter = router({
  list: procedureWith("reports:read").query(async ({ ctx }) => unwrap(await listExportSchedulesFor(ctx.db, ctx.actor))),
  get: procedureWith("reports:read").input(scheduleId).query(async ({ ctx, input }) => unwrap(await getExportSchedule(ctx.db, ctx.actor, input.id))),
  create: procedureWith("exports:write").input(createExportScheduleInputSchema).mutation(async ({ ctx, input }) => unwrap(await createExportSchedule(ctx.db, ctx.actor, input))),
  update: procedureWith("exports:write")
    .input(scheduleId.extend({ patch: updateExportScheduleInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateExportSchedule(ctx.db, ctx.actor, input.id, input.patch))),
  delete: procedureWith("exports:write").input(scheduleId).mutation(async ({ ctx, input }) => unwrap(await deleteExportSchedule(ctx.db, ctx.actor, input.id))),
  send: procedureWith("exports:write")
    .input(scheduleId.extend(sendExportInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await sendExportNow(ctx.db, ctx.actor, input.id, input.period))),
});
