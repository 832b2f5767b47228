import { z } from "zod";
import {
  createConnectionInputSchema,
  createProviderConnection,
  listProviderConnections,
  updateConnectionInputSchema,
  updateProviderConnection,
} from "@/server/admin/providers";
import { testProviderConnection } from "@/server/admin/test-connection";
import { providerKinds } from "@/server/providers";
import { connectionFormFor } from "@/server/providers/connection-fields";
import { defaultBaseUrls } from "@/server/providers/probe";
import { procedureWith, router, unwrap } from "../trpc";

export const providersRouter = router({
  list: procedureWith("providers:read").query(async ({ ctx }) => unwrap(await listProviderConnections(ctx.db, ctx.actor))),
  /** Provider kinds the gateway speaks, each with its form: label, default base URL, key requirement, fields. */
  kinds: procedureWith("providers:read").query(() => providerKinds.map((kind) => connectionFormFor(kind, defaultBaseUrls[kind]))),
  create: procedureWith("providers:write").input(createConnectionInputSchema).mutation(async ({ ctx, input }) => unwrap(await createProviderConnection(ctx.db, ctx.actor, input))),
  update: procedureWith("providers:write")
    .input(z.object({ id: z.uuid(), patch: updateConnectionInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateProviderConnection(ctx.db, ctx.actor, input.id, input.patch))),
  test: procedureWith("providers:write").input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => unwrap(await testProviderConnection(ctx.db, ctx.actor, input.id))),
});
