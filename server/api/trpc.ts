import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { getDb, type Database } from "@/db/client";
import { can, type Permission } from "@/server/admin/permissions";
import type { Actor, ServiceResult } from "@/server/admin/service-result";
import { getSessionActor } from "@/server/auth/actor";

export interface TrpcContext {
  db: Database;
  actor: (Actor & { email: string }) | null;
}

/** Built per request from the next-auth session; the role comes from the database. */
export async function createTrpcContext(): Promise<TrpcContext> {
  return { db: await getDb(), actor: await getSessionActor() };
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Never send stacks or driver messages to the browser.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const field = (error.cause as { field?: unknown } | undefined)?.field;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal ? "Something went wrong on the server." : shape.message,
      data: { ...data, field: typeof field === "string" ? field : null },
    };
  },
});

export const router = t.router;

/** Every console procedure: a signed-in user with a membership. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/**
 * A procedure that also needs a permission, any one of those listed (checked here, on the server,
 * for every call). The service it calls checks again, with the field-level rules.
 */
export function procedureWith(...permissions: [Permission, ...Permission[]]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!permissions.some((permission) => can(ctx.actor.role, permission))) throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${ctx.actor.role}) cannot do this.` });
    return next();
  });
}

export const createCallerFactory = t.createCallerFactory;

/** Service results → values, or TRPCErrors at tRPC's edge. */
export function unwrap<T>(result: ServiceResult<T>): T {
  if (result.ok) return result.value;
  const code = { invalid: "BAD_REQUEST", not_found: "NOT_FOUND", conflict: "CONFLICT", forbidden: "FORBIDDEN" } as const;
  throw new TRPCError({ code: code[result.error.code], message: result.error.message, cause: "field" in result.error ? { field: result.error.field } : undefined });
}
