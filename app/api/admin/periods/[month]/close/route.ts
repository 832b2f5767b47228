import { closePeriod } from "@/server/admin/period-close";
import { adminRoute, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/periods/:month/close — freezes a month that has ended (owner, admin, finance); 409 when it is closed already. */
export const POST = adminRoute(async ({ db, actor, params }) => resultJson(await closePeriod(db, actor, params.month ?? ""), 201));
