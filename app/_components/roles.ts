import type { Role } from "@/db/schema";
import { isRoleWithin } from "@/server/admin/permissions";

export const roles: ReadonlyArray<{ role: Role; label: string; description: string }> = [
  { role: "owner", label: "Owner", description: "Everything, including managing owners." },
  { role: "admin", label: "Admin", description: "Everything except owners: providers, models, keys, members, teams." },
  { role: "developer", label: "Developer", description: "Their own keys (within their teams' models) and their own usage." },
  { role: "finance", label: "Finance", description: "Reads usage, spend and the audit log; edits prices." },
  { role: "viewer", label: "Viewer", description: "Reads everything, changes nothing." },
];

/** The roles `actorRole` may hand out (the server checks again). */
export function grantableRoles(actorRole: Role | undefined) {
  return actorRole ? roles.filter((entry) => isRoleWithin(entry.role, actorRole)) : [];
}
