import { z } from "zod";
import { auditCsvFilename, streamAuditCsv } from "@/server/admin/audit-csv";
import { decodeAuditCursor, encodeAuditCursor, listAuditFor } from "@/server/admin/audit";
import { adminRoute, errorJson, resultJson } from "@/server/admin/rest";
import { auditSources } from "@/db/schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = z.object({
  actor: z.string().trim().max(320).optional(),
  action: z.string().trim().max(100).optional(),
  target_type: z.string().trim().max(100).optional(),
  target_id: z.string().trim().max(200).optional(),
  source: z.enum(auditSources).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Opaque cursor from a previous page's next_cursor. */
  cursor: z.string().max(200).optional(),
  format: z.enum(["json", "csv"]).optional(),
});

function wantsCsv(request: Request, format: "json" | "csv" | undefined): boolean {
  if (format) return format === "csv";
  return /\btext\/csv\b/i.test(request.headers.get("accept") ?? "");
}

/**
 * GET /api/admin/audit — the audit log, newest first: JSON pages with a keyset cursor, or every
 * matching entry as streamed CSV (?format=csv or Accept: text/csv). Owner, admin and finance tokens.
 */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorJson(400, `Invalid value for '${issue.path.join(".")}': ${issue.message}`, "invalid_value", issue.path.join("."));
  }
  const query = parsed.data;
  const filters = {
    actor: query.actor || undefined,
    action: query.action || undefined,
    targetType: query.target_type || undefined,
    targetId: query.target_id || undefined,
    source: query.source,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
  if (wantsCsv(request, query.format)) {
    const csv = streamAuditCsv(db, actor, filters);
    if (!csv) return errorJson(403, "Your role cannot read the audit log.", "forbidden");
    return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${auditCsvFilename()}"`, "cache-control": "no-store" } });
  }
  const cursor = query.cursor ? decodeAuditCursor(query.cursor) : undefined;
  if (cursor === null) return errorJson(400, "Invalid value for 'cursor'.", "invalid_value", "cursor");
  const result = await listAuditFor(db, actor, filters, { cursor, limit: query.limit });
  if (!result.ok) return resultJson(result);
  return Response.json({ data: result.value.rows, next_cursor: encodeAuditCursor(result.value.nextCursor) });
});
