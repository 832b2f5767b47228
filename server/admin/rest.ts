import type { z } from "zod";
import { getDb, type Database } from "@/db/client";
import { env } from "@/server/env";
import { describeError, logger } from "@/server/logger";
import { authenticateAdmin } from "./admin-auth";
import type { Actor, ServiceResult } from "./service-result";

/**
 * Shared plumbing for the admin REST API's route handlers: bearer auth on every handler,
 * zod-validated JSON bodies, and errors in the same shape as the gateway's
 * ({"error":{"message","type","code","param"}}).
 */
export function errorJson(status: number, message: string, code: string, param: string | null = null, type = status >= 500 ? "server_error" : "invalid_request_error") {
  return Response.json({ error: { message, type, code, param } }, { status });
}

export function resultJson<T>(result: ServiceResult<T>, successStatus = 200): Response {
  if (result.ok) return Response.json(result.value, { status: successStatus });
  const status = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403 }[result.error.code];
  return errorJson(status, result.error.message, result.error.code, "field" in result.error ? (result.error.field ?? null) : null);
}

type Handler = (context: { request: Request; db: Database; actor: Actor; params: Record<string, string> }) => Promise<Response>;

/** Wraps an admin route handler: authenticates it, and turns unexpected failures into a 500 without details. */
export function adminRoute(handler: Handler) {
  return async (request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    try {
      const db = await getDb();
      const actor = await authenticateAdmin(db, request.headers.get("authorization"), env().GATEWAY_ADMIN_KEY);
      if (!actor) return errorJson(401, "Pass an admin token as 'Authorization: Bearer <token>' (GATEWAY_ADMIN_KEY or an mga_ token).", "invalid_admin_token");
      return await handler({ request, db, actor, params: (await context.params) ?? {} });
    } catch (error) {
      logger.error("admin API request failed", describeError(error));
      return errorJson(500, "The admin API failed to handle the request.", "internal_error");
    }
  };
}

/** Reads and validates a JSON body; the error names the first offending field. */
export async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    return { ok: false, response: errorJson(400, "We could not parse the JSON body of your request.", "invalid_json") };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const param = issue.path.map(String).join(".") || null;
  return { ok: false, response: errorJson(400, param ? `Invalid value for '${param}': ${issue.message}` : issue.message, "invalid_value", param) };
}

/** Reads and validates the query string; the error names the first offending parameter. */
export function readQuery<T>(request: Request, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: Response } {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const param = issue.path.map(String).join(".") || null;
  return { ok: false, response: errorJson(400, param ? `Invalid value for '${param}': ${issue.message}` : issue.message, "invalid_value", param) };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are UUIDs; anything else is answered 404 before touching the database. */
export function isUuid(value: string | undefined): value is string {
  return typeof value === "string" && uuidPattern.test(value);
}
