import { z } from "zod";
import { createExperiment, createExperimentInputSchema, experimentStatusInputSchema, getExperiment, listExperiments, setExperimentStatus } from "@/server/admin/experiments";
import { procedureWith, router, unwrap } from "../trpc";

const experimentId = z.object({ id: z.uuid() });

export const experimentsRouter = router({
  list: procedureWith("routing:read").query(async ({ ctx }) => unwrap(await listExperiments(ctx.db, ctx.actor))),
  get: procedureWith("routing:read").input(experimentId).query(async ({ ctx, input }) => unwrap(await getExperiment(ctx.db, ctx.actor, input.id))),
  create: procedureWith("routing:write").input(createExperimentInputSchema).mutation(async ({ ctx, input }) => unwrap(await createExperiment(ctx.db, ctx.actor, input))),
  setStatus: procedureWith("routing:write")
    .input(experimentId.extend(experimentStatusInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await setExperimentStatus(ctx.db, ctx.actor, input.id, input.status))),
});
