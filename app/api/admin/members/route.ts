import { inviteInputSchema, inviteMember } from "@/server/admin/invitations";
import { listOrgMembers } from "@/server/admin/members";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";
import { env } from "@/server/env";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/members — members with role and deactivated_at (never a password hash). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listOrgMembers(db, actor)));

/** POST /api/admin/members {"email","role"} — invites; returns {"url": one-time link, valid 7 days, shown once, …}. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, inviteInputSchema);
  if (!body.ok) return body.response;
  const result = await inviteMember(db, actor, body.value);
  if (!result.ok) return resultJson(result);
  const { token: _token, path, ...invitation } = result.value;
  const origin = (env().PUBLIC_URL ?? new URL(request.url).origin).replace(/\/+$/, "");
  return Response.json({ ...invitation, url: `${origin}${path}` }, { status: 201 });
});
