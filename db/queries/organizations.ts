import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { organizations } from "../schema";

export const DEFAULT_ORG_SLUG = "default";

/** The org a fresh install works in. Idempotent and safe when replicas race. */
export async function ensureDefaultOrg(db: Executor): Promise<string> {
  await db.insert(organizations).values({ name: "Default organization", slug: DEFAULT_ORG_SLUG }).onConflictDoNothing();
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, DEFAULT_ORG_SLUG));
  return org.id;
}

export async function findOrganization(db: Executor, orgId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  return org;
}

export async function updateOrgPromptCacheDefault(tx: Executor, orgId: string, promptCacheDefault: "auto" | "off") {
  const [org] = await tx.update(organizations).set({ promptCacheDefault }).where(eq(organizations.id, orgId)).returning();
  return org;
}

export async function updateOrgTimeZone(tx: Executor, orgId: string, timeZone: string) {
  const [org] = await tx.update(organizations).set({ timeZone }).where(eq(organizations.id, orgId)).returning();
  return org;
}
