import { z } from "zod";
import { createMcpGrant, createMcpGrantInputSchema, deleteMcpGrant, getMcpActivity, listMcpGrants } from "@/server/admin/mcp-grants";
import { createMcpServer, createMcpServerInputSchema, deleteMcpServer, listMcpServers, updateMcpServer, updateMcpServerInputSchema } from "@/server/admin/mcp-servers";
import { approveMcpTool, approveMcpToolInputSchema, listMcpTools, revokeMcpTool, testMcpServer } from "@/server/admin/mcp-tools";
import { procedureWith, router, unwrap } from "../trpc";

const byId = z.object({ id: z.uuid() });

export const mcpRouter = router({
  servers: procedureWith("mcp:read").query(async ({ ctx }) => unwrap(await listMcpServers(ctx.db, ctx.actor))),
  createServer: procedureWith("mcp:write").input(createMcpServerInputSchema).mutation(async ({ ctx, input }) => unwrap(await createMcpServer(ctx.db, ctx.actor, input))),
  updateServer: procedureWith("mcp:write")
    .input(byId.extend({ patch: updateMcpServerInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateMcpServer(ctx.db, ctx.actor, input.id, input.patch))),
  deleteServer: procedureWith("mcp:write").input(byId).mutation(async ({ ctx, input }) => unwrap(await deleteMcpServer(ctx.db, ctx.actor, input.id))),
  testServer: procedureWith("mcp:write").input(byId).mutation(async ({ ctx, input }) => unwrap(await testMcpServer(ctx.db, ctx.actor, input.id))),
  tools: procedureWith("mcp:read").input(byId).query(async ({ ctx, input }) => unwrap(await listMcpTools(ctx.db, ctx.actor, input.id))),
  approveTool: procedureWith("mcp:write")
    .input(byId.extend(approveMcpToolInputSchema.shape))
    .mutation(async ({ ctx, input }) => unwrap(await approveMcpTool(ctx.db, ctx.actor, input.id, input))),
  revokeTool: procedureWith("mcp:write").input(byId).mutation(async ({ ctx, input }) => unwrap(await revokeMcpTool(ctx.db, ctx.actor, input.id))),
  grants: procedureWith("mcp:read").query(async ({ ctx }) => unwrap(await listMcpGrants(ctx.db, ctx.actor))),
  createGrant: procedureWith("mcp:write").input(createMcpGrantInputSchema).mutation(async ({ ctx, input }) => unwrap(await createMcpGrant(ctx.db, ctx.actor, input))),
  deleteGrant: procedureWith("mcp:write").input(byId).mutation(async ({ ctx, input }) => unwrap(await deleteMcpGrant(ctx.db, ctx.actor, input.id))),
  activity: procedureWith("mcp:read").query(async ({ ctx }) => unwrap(await getMcpActivity(ctx.db, ctx.actor))),
});
