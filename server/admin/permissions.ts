import type { Role } from "@/db/schema";

/**
 * What each role may do. Checked in every tRPC procedure and admin route handler (never in
 * proxy.ts alone).
 */
export type Permission =
  | "overview:read"
  | "requests:read"
  | "models:read"
  | "models:write"
  | "providers:read"
  | "providers:write"
  | "keys:read"
  | "keys:write"
  | "keys:write-own"
  | "admin-tokens:write"
  | "members:read";

const grants: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set<Permission>(["overview:read", "requests:read", "models:read", "models:write", "providers:read", "providers:write", "keys:read", "keys:write", "keys:write-own", "admin-tokens:write", "members:read"]),
  admin: new Set<Permission>(["overview:read", "requests:read", "models:read", "models:write", "providers:read", "providers:write", "keys:read", "keys:write", "keys:write-own", "admin-tokens:write", "members:read"]),
  developer: new Set<Permission>(["overview:read", "requests:read", "models:read", "providers:read", "keys:read", "keys:write-own"]),
  finance: new Set<Permission>(["overview:read", "requests:read", "models:read", "providers:read", "keys:read"]),
  viewer: new Set<Permission>(["overview:read", "requests:read", "models:read", "providers:read", "keys:read"]),
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}
