import { adminRoute, resultJson } from "@/server/admin/rest";
import { findRequestFor } from "@/server/admin/usage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/requests/:id — one ledger row by its request id (the x-request-id header). */
export const GET = adminRoute(async ({ db, actor, params }) => resultJson(await findRequestFor(db, actor, params.id.slice(0, 100))));
