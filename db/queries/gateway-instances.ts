import { and, eq, gt, lt } from "drizzle-orm";
import type { Executor } from "../client";
import { gatewayInstances } from "../schema";

export type GatewayInstanceRow = typeof gatewayInstances.$inferSelect;

/** A gateway process says it is alive (and which limiter it runs); rows not seen for a day are dropped. */
export async function touchGatewayInstance(db: Executor, row: Omit<GatewayInstanceRow, "lastSeenAt">, at = new Date()): Promise<void> {
  await db
    .insert(gatewayInstances)
    .values({ ...row, lastSeenAt: at })
    .onConflictDoUpdate({ target: gatewayInstances.id, set: { lastSeenAt: at, limiter: row.limiter } });
  await db.delete(gatewayInstances).where(lt(gatewayInstances.lastSeenAt, new Date(at.getTime() - 86_400_000)));
}

export async function removeGatewayInstance(db: Executor, id: string): Promise<void> {
  await db.delete(gatewayInstances).where(eq(gatewayInstances.id, id));
}

/** Gateway processes seen since `since`, optionally only those with a given limiter. */
export async function listLiveGatewayInstances(db: Executor, since: Date, limiter?: GatewayInstanceRow["limiter"]): Promise<GatewayInstanceRow[]> {
  const seen = gt(gatewayInstances.lastSeenAt, since);
  return db.select().from(gatewayInstances).where(limiter ? and(seen, eq(gatewayInstances.limiter, limiter)) : seen);
}
