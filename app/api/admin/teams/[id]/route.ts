import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";
import { deleteTeam, getTeamDetail, updateTeam, updateTeamInputSchema } from "@/server/admin/teams";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such team.", "not_found");

/** GET /api/admin/teams/:id — the team, its members, its keys with their spend, and the team's spend over the last 30 days. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getTeamDetail(db, actor, params.id)) : notFound()));

/** PATCH /api/admin/teams/:id {"name"?,"allowed_models"?: [..] | null} */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, updateTeamInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateTeam(db, actor, params.id, body.value));
});

/** DELETE /api/admin/teams/:id — refused (409) while the team has active keys. */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteTeam(db, actor, params.id)) : notFound()));
