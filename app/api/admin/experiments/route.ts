import { createExperiment, createExperimentInputSchema, listExperiments } from "@/server/admin/experiments";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/experiments — every experiment of the org. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listExperiments(db, actor)));

/** POST /api/admin/experiments {"name","model","variants":[{"name","weight","target"}]} → 201, a draft (start it with /status). */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createExperimentInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createExperiment(db, actor, body.value), 201);
});
