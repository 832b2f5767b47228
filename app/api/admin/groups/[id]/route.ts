import { deleteGroup, getGroup, updateGroup, updateGroupInputSchema } from "@/server/admin/groups";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such model group.", "not_found");

/** GET /api/admin/groups/:id — the group and every version of its definition, newest first. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getGroup(db, actor, params.id)) : notFound()));

/** PATCH /api/admin/groups/:id {any definition field, "description"?, "enabled"?}: a new version (the previous one is kept). */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, updateGroupInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateGroup(db, actor, params.id, body.value));
});

/** DELETE /api/admin/groups/:id — the group and its versions. */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteGroup(db, actor, params.id)) : notFound()));
