import { adminRoute, readBody, resultJson } from "@/server/admin/rest";
import { createTeam, createTeamInputSchema, listTeamsFor } from "@/server/admin/teams";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/teams — teams with member and active-key counts (a developer token: its creator's teams). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listTeamsFor(db, actor)));

/** POST /api/admin/teams {"name","allowed_models"?: [..]} */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createTeamInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createTeam(db, actor, body.value), 201);
});
