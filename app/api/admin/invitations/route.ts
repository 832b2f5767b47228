import { listInvitations } from "@/server/admin/invitations";
import { adminRoute, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/invitations — open invitations (not accepted, not revoked; expired ones included). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listInvitations(db, actor)));
