import { permissionsOf } from "@/server/admin/permissions";
import { adminTokensRouter } from "./routers/admin-tokens";
import { auditRouter } from "./routers/audit";
import { budgetsRouter } from "./routers/budgets";
import { exportSchedulesRouter } from "./routers/export-schedules";
import { invoicesRouter } from "./routers/invoices";
import { costImportsRouter } from "./routers/cost-imports";
import { experimentsRouter } from "./routers/experiments";
import { groupsRouter } from "./routers/groups";
import { keysRouter } from "./routers/keys";
import { mcpRouter } from "./routers/mcp";
import { membersRouter } from "./routers/members";
import { modelsRouter } from "./routers/models";
import { orgSettingsRouter } from "./routers/org-settings";
import { overviewRouter } from "./routers/overview";
import { periodsRouter } from "./routers/periods";
import { policiesRouter } from "./routers/policies";
import { providersRouter } from "./routers/providers";
import { rateLimitsRouter } from "./routers/rate-limits";
import { reportsRouter } from "./routers/reports";
import { requestsRouter } from "./routers/requests";
import { teamsRouter } from "./routers/teams";
import { authedProcedure, router } from "./trpc";

export const appRouter = router({
  me: authedProcedure.query(({ ctx }) => ({
    email: ctx.actor.email,
    role: ctx.actor.role,
    userId: ctx.actor.userId,
    permissions: permissionsOf(ctx.actor.role),
  })),
  keys: keysRouter,
  providers: providersRouter,
  models: modelsRouter,
  requests: requestsRouter,
  overview: overviewRouter,
  adminTokens: adminTokensRouter,
  members: membersRouter,
  teams: teamsRouter,
  audit: auditRouter,
  rateLimits: rateLimitsRouter,
  budgets: budgetsRouter,
  exportSchedules: exportSchedulesRouter,
  policies: policiesRouter,
  mcp: mcpRouter,
  reports: reportsRouter,
  orgSettings: orgSettingsRouter,
  periods: periodsRouter,
  invoices: invoicesRouter,
  costImports: costImportsRouter,
  groups: groupsRouter,
  experiments: experimentsRouter,
});

export type AppRouter = typeof appRouter;
