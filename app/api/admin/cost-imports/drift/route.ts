import { z } from "zod";
import { costDriftFor } from "@/server/admin/cost-imports";
import { adminRoute, readQuery, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM") });

/** GET /api/admin/cost-imports/drift?month=YYYY-MM — per provider and UTC day and month: gateway cost, provider figure, variance. */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const query = readQuery(request, querySchema);
  if (!query.ok) return query.response;
  return resultJson(await costDriftFor(db, actor, query.value.month));
});
