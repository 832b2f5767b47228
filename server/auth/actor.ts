import { getDb } from "@/db/client";
import { findMembership } from "@/db/queries/users";
import type { Actor } from "@/server/admin/service-result";
import { auth } from "./auth";

/** The signed-in console user as an Actor (org and role read from the database), or null. */
export async function getSessionActor(): Promise<(Actor & { email: string }) | null> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const membership = await findMembership(await getDb(), userId);
  if (!membership) return null;
  return { orgId: membership.orgId, id: `user:${userId}`, userId, role: membership.role, email: session.user?.email ?? "" };
}
