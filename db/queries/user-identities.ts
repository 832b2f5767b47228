import { and, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { userIdentities } from "../schema";

export async function findIdentity(db: Executor, issuer: string, subject: string) {
  const [row] = await db.select().from(userIdentities).where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
  return row;
}

export async function insertIdentity(tx: Executor, values: { issuer: string; subject: string; userId: string; email: string }): Promise<void> {
  await tx.insert(userIdentities).values(values);
}

export async function touchIdentity(db: Executor, issuer: string, subject: string): Promise<void> {
  await db.update(userIdentities).set({ lastSignInAt: new Date() }).where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
}
