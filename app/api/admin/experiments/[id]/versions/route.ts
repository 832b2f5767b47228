import { getExperimentVersions } from "@/server/admin/experiment-edits";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/experiments/:id/versions — every version of the experiment's settings, newest first. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getExperimentVersions(db, actor, params.id)) : errorJson(404, "No such experiment.", "not_found")));
