import { getExperimentResults } from "@/server/admin/experiments";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/experiments/:id/results — metrics per variant, each variant against the control in words, series per hour or day. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getExperimentResults(db, actor, params.id)) : errorJson(404, "No such experiment.", "not_found")));
