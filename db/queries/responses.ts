import { and, eq, gt } from "drizzle-orm";
import type { Executor } from "../client";
import { responses } from "../schema";

export type ResponseRow = typeof responses.$inferSelect;

export async function insertResponse(tx: Executor, values: typeof responses.$inferInsert): Promise<void> {
  await tx.insert(responses).values(values).onConflictDoNothing();
}

/** A stored, unexpired response of this org and key; undefined for any other caller. */
export async function findResponse(db: Executor, args: { orgId: string; keyId: string; id: string; now?: Date }): Promise<ResponseRow | undefined> {
  const [row] = await db
    .select()
    .from(responses)
    .where(and(eq(responses.id, args.id), eq(responses.orgId, args.orgId), eq(responses.keyId, args.keyId), gt(responses.expiresAt, args.now ?? new Date())))
    .limit(1);
  return row;
}
