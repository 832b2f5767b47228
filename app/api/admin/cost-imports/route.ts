import { costImportOverview } from "@/server/admin/cost-imports";
import { adminRoute, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/cost-imports — the providers' cost API sources (never the admin key) and the drift settings (owner, admin, finance). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await costImportOverview(db, actor)));
