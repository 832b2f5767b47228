import { updateExperiment, updateExperimentInputSchema } from "@/server/admin/experiment-edits";
import { getExperiment } from "@/server/admin/experiments";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/experiments/:id — the experiment and its per-variant results (requests, error rate, cost, latency). */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getExperiment(db, actor, params.id)) : errorJson(404, "No such experiment.", "not_found")));

/** PATCH /api/admin/experiments/:id {"weights"?,"guardrails"?,"scope"?,"bandit"?,"note"?}: a new version, audited. */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such experiment.", "not_found");
  const body = await readBody(request, updateExperimentInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateExperiment(db, actor, params.id, body.value));
});
