import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness: the database answers a query. */
export async function GET() {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ready", database: "ok" });
  } catch {
    return Response.json({ status: "not_ready", database: "unreachable" }, { status: 503 });
  }
}
