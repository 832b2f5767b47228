import { createConnectionInputSchema, createProviderConnection, listProviderConnections } from "@/server/admin/providers";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/providers — connections, with the credential's last four characters only. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listProviderConnections(db, actor)));

/** POST /api/admin/providers {"kind","name","base_url"?,"api_key"?,"region"?,"enabled"?} */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createConnectionInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createProviderConnection(db, actor, body.value), 201);
});
