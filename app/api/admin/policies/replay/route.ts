import { policyReplayInputSchema, replayPolicy } from "@/server/admin/policy-replay";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/admin/policies/replay {"days"?: 7, "rules"?, "residency"?, "enforce_dry_run"?: true, "limit"?} — the saved
 * rules (or drafts) replayed against the requests stored in full in the last days: how many each outcome, per rule.
 */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, policyReplayInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await replayPolicy(db, actor, body.value));
});
