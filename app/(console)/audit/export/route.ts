import { z } from "zod";
import { getDb } from "@/db/client";
import { auditSources } from "@/db/schema";
import { auditCsvFilename, streamAuditCsv } from "@/server/admin/audit-csv";
import { getSessionActor } from "@/server/auth/actor";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = z.object({
  actor: z.string().trim().max(320).optional(),
  action: z.string().trim().max(100).optional(),
  target_type: z.string().trim().max(100).optional(),
  source: z.enum(auditSources).optional().catch(undefined),
  from: z.iso.datetime({ offset: true }).optional().catch(undefined),
  to: z.iso.datetime({ offset: true }).optional().catch(undefined),
});

/** GET /audit/export — the console's CSV download of the filtered audit log (the signed-in member's session; owner, admin, finance). */
export async function GET(request: Request): Promise<Response> {
  const actor = await getSessionActor();
  if (!actor) return new Response("Sign in first.", { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return new Response("Invalid filters.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const query = parsed.data;
  const csv = streamAuditCsv(await getDb(), actor, {
    actor: query.actor || undefined,
    action: query.action || undefined,
    targetType: query.target_type || undefined,
    source: query.source,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  });
  if (!csv) return new Response("Your role cannot read the audit log.", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${auditCsvFilename()}"`, "cache-control": "no-store" } });
}
