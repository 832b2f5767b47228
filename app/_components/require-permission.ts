import { redirect } from "next/navigation";
import { can, type Permission } from "@/server/admin/permissions";
import { getSessionActor } from "@/server/auth/actor";

/**
 * For console pages (server components): the signed-in actor, or a redirect to /login.
 * `allowed` says whether the role has the page's permission; the page renders <NoAccess> if not.
 */
export async function requirePermission(permission: Permission) {
  const actor = await getSessionActor();
  if (!actor) redirect("/login");
  return { actor, allowed: can(actor.role, permission) };
}
