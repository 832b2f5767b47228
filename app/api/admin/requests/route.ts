import { z } from "zod";
import { adminRoute, errorJson, resultJson } from "@/server/admin/rest";
import { listRequestsFor } from "@/server/admin/usage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = z.object({
  key_id: z.uuid().optional(),
  model: z.string().max(200).optional(),
  status: z.enum(["success", "error", "aborted"]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Opaque cursor from a previous page's next_cursor. */
  cursor: z.string().max(200).optional(),
});

function decodeCursor(cursor: string | undefined): { startedAt: Date; id: string } | undefined | null {
  if (!cursor) return undefined;
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(startedAt);
    return Number.isNaN(date.getTime()) || typeof id !== "string" ? null : { startedAt: date, id };
  } catch {
    return null;
  }
}

/** GET /api/admin/requests — the usage ledger, newest first, keyset-paginated (for scripts and finance; a developer token sees its own keys' rows). */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorJson(400, `Invalid value for '${issue.path.join(".")}': ${issue.message}`, "invalid_value", issue.path.join("."));
  }
  const query = parsed.data;
  const cursor = decodeCursor(query.cursor);
  if (cursor === null) return errorJson(400, "Invalid value for 'cursor'.", "invalid_value", "cursor");
  const result = await listRequestsFor(
    db,
    actor,
    { keyId: query.key_id, model: query.model, status: query.status, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined },
    { cursor, limit: query.limit },
  );
  if (!result.ok) return resultJson(result);
  const page = result.value;
  const nextCursor = page.nextCursor ? Buffer.from(JSON.stringify([page.nextCursor.startedAt.toISOString(), page.nextCursor.id])).toString("base64url") : null;
  return Response.json({ data: page.rows, next_cursor: nextCursor });
});
