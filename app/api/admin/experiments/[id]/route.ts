import { getExperiment } from "@/server/admin/experiments";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/experiments/:id — the experiment and its per-variant results (requests, error rate, cost, latency). */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getExperiment(db, actor, params.id)) : errorJson(404, "No such experiment.", "not_found")));
