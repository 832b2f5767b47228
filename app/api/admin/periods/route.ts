import { listPeriodsFor } from "@/server/admin/period-close";
import { adminRoute, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/periods — every close of the org, reopened ones too, newest month first (owner, admin, finance). */
export const GET = adminRoute(async ({ db, actor }) => {
  const result = await listPeriodsFor(db, actor);
  if (!result.ok) return resultJson(result);
  return Response.json({ data: result.value });
});
