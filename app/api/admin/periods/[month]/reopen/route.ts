import { reopenPeriod } from "@/server/admin/period-close";
import { adminRoute, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/periods/:month/reopen — reopens a closed month (owner tokens only; audited). */
export const POST = adminRoute(async ({ db, actor, params }) => resultJson(await reopenPeriod(db, actor, params.month ?? "")));
