import { z } from "zod";
import { createExperiment, createExperimentInputSchema, experimentStatusInputSchema, getExperiment, listExperiments, setExperimentStatus } from "@/server/admin/experiments";
import { promoteExperimentVariant, promoteInputSchema, rollbackExperimentVariant, rollbackInputSchema } from "@/server/admin/experiment-decisions";
import { getExperimentResults } from "@/server/admin/experiments";
import { getExperimentVersions, restoreExperimentInputSchema, restoreExperimentVersion, updateExperiment, updateExperimentInputSchema } from "@/server/admin/experiment-edits";
import { procedureWith, router, unwrap } from "../trpc";

const experimentId = z.object({ id: z.uuid() });

export const experimentsRouter = router({
  list: procedureWith("routing:read").query(async ({ ctx }) => unwrap(await listExperiments(ctx.db, ctx.actor))),
  get: procedureWith("routing:read").input(experimentId).query(async ({ ctx, input }) => unwrap(await getExperiment(ctx.db, ctx.actor, input.id))),
  results: procedureWith("routing:read").input(experimentId).query(async ({ ctx, input }) => unwrap(await getExperimentResults(ctx.db, ctx.actor, input.id))),
  promote: procedureWith("routing:write")
    .input(experimentId.extend(promoteInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await promoteExperimentVariant(ctx.db, ctx.actor, input.id, { variant: input.variant }))),
  rollback: procedureWith("routing:write")
    .input(experimentId.extend(rollbackInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await rollbackExperimentVariant(ctx.db, ctx.actor, input.id, { variant: input.variant, reason: input.reason }))),
  create: procedureWith("routing:write").input(createExperimentInputSchema).mutation(async ({ ctx, input }) => unwrap(await createExperiment(ctx.db, ctx.actor, input))),
  update: procedureWith("routing:write")
    .input(z.object({ id: z.uuid(), changes: updateExperimentInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateExperiment(ctx.db, ctx.actor, input.id, input.changes))),
  versions: procedureWith("routing:read").input(experimentId).query(async ({ ctx, input }) => unwrap(await getExperimentVersions(ctx.db, ctx.actor, input.id))),
  restore: procedureWith("routing:write")
    .input(experimentId.extend(restoreExperimentInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await restoreExperimentVersion(ctx.db, ctx.actor, input.id, input.version))),
  setStatus: procedureWith("routing:write")
    .input(experimentId.extend(experimentStatusInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await setExperimentStatus(ctx.db, ctx.actor, input.id, input.status))),
});
