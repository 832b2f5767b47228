import { sql } from "drizzle-orm";
import { executeRows, type DatabaseHandle } from "@/db/client";
import type { DatabasePoolUse } from "./metrics";

/**
 * How many of this process's database connections are busy. postgres.js keeps its pool's queues private, so on
 * PostgreSQL this asks pg_stat_activity for the connections named with this process's application_name (the
 * pool's, and the LISTEN connection of the config snapshot), leaving out the scrape's own. PGlite is one
 * in-process connection: its size only.
 */
export function readDatabasePool(handle: DatabaseHandle): () => Promise<DatabasePoolUse | undefined> {
  if (handle.raw.driver === "pglite") return async () => ({ max: 1, connections: {} });
  const options = handle.raw.sql.options as { max?: number; connection?: { application_name?: string } };
  const max = Number(options.max) || 0;
  // Read from the pool itself: the name is made per bundle that opened it (db/client.ts DATABASE_APPLICATION_NAME).
  const applicationName = options.connection?.application_name ?? "";
  return async () => {
    const rows = await executeRows<{ state: string; count: number }>(
      handle.db,
      sql`select coalesce(state, 'unknown') as state, count(*)::int as count from pg_stat_activity
          where application_name = ${applicationName} and pid <> pg_backend_pid() group by 1`,
    );
    const connections: Record<string, number> = { active: 0, idle: 0 };
    for (const row of rows) connections[row.state.replace(/ /g, "_")] = Number(row.count);
    return { max, connections };
  };
}
