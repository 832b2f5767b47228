import { driftSettingsInputSchema, setCostDriftSettings } from "@/server/admin/cost-imports";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/cost-imports/settings {threshold_percent, webhook_url?} — the org's drift threshold and alert webhook. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, driftSettingsInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setCostDriftSettings(db, actor, body.value));
});
