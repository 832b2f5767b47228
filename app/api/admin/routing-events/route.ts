import { listRoutingEvents, routingEventsInputSchema } from "@/server/admin/groups";
import { adminRoute, readQuery, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/routing-events?group_id=&before=&limit= — circuit changes and cool-downs, newest first. */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const query = readQuery(request, routingEventsInputSchema);
  if (!query.ok) return query.response;
  return resultJson(await listRoutingEvents(db, actor, query.value));
});
