import type { Role } from "@/db/schema";

/**
 * What each role may do. Checked in every tRPC procedure and admin route handler (never in
 * proxy.ts alone); the services check again, and add the field-level rules (whose key, which role).
 */
export const allPermissions = [
  "overview:read",
  "requests:read",
  /** Sees every key's keys, requests and overview, and every team; without it only the member's own. */
  "org:read-all",
  "models:read",
  "models:write",
  /** Adds effective-dated price rows (models:write includes it). */
  "prices:write",
  "providers:read",
  "providers:write",
  "keys:read",
  "keys:write",
  /** Creates and revokes keys whose user_id is the member themself. */
  "keys:write-own",
  "admin-tokens:write",
  "members:read",
  "members:write",
  /** Invites, promotes, demotes, deactivates an owner (members:write covers everyone else). */
  "owners:write",
  "teams:read",
  "teams:write",
  "audit:read",
  "rate-limits:read",
  "rate-limits:write",
  "budgets:read",
  "budgets:write",
  "policies:read",
  "policies:write",
  /** MCP servers, their tools, grants and call rows. */
  "mcp:read",
  /** Registers MCP servers, approves tool definitions, grants tools to keys and teams. */
  "mcp:write",
  /** Usage reports and their CSV and FOCUS exports (README "Reports"). */
  "reports:read",
  /** Closes a calendar month (frozen totals) and enters provider invoices. */
  "periods:close",
  /** Scheduled exports: creates, changes, disables and re-sends monthly files delivered to a webhook. */
  "exports:write",
  /** Reopens a closed month (owners only). */
  "periods:reopen",
  /** Org-wide settings such as the report time zone. */
  "org-settings:write",
  /** Model groups (routing): deployments, strategy, fallbacks, versions. */
  "routing:read",
  "routing:write",
] as const;
export type Permission = (typeof allPermissions)[number];

const readAll: Permission[] = ["overview:read", "requests:read", "org:read-all", "models:read", "providers:read", "keys:read", "members:read", "teams:read", "rate-limits:read", "budgets:read", "policies:read", "mcp:read", "routing:read"];
const adminOnly: Permission[] = ["models:write", "prices:write", "providers:write", "keys:write", "keys:write-own", "admin-tokens:write", "members:write", "teams:write", "audit:read", "rate-limits:write", "budgets:write", "policies:write", "mcp:write", "reports:read", "periods:close", "exports:write", "org-settings:write", "routing:write"];

const grants: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set<Permission>([...readAll, ...adminOnly, "owners:write", "periods:reopen"]),
  admin: new Set<Permission>([...readAll, ...adminOnly]),
  developer: new Set<Permission>(["overview:read", "requests:read", "models:read", "providers:read", "keys:read", "keys:write-own", "teams:read", "routing:read"]),
  finance: new Set<Permission>([...readAll, "prices:write", "audit:read", "budgets:write", "reports:read", "periods:close", "exports:write"]),
  viewer: new Set<Permission>(readAll),
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return allPermissions.filter((permission) => grants[role].has(permission));
}

/**
 * Whether `granter` may hand out (or manage someone holding) `granted`: every right of `granted`
 * is one `granter` has. So an admin cannot invite, promote or touch an owner, and nobody creates
 * a token, invitation or role above their own.
 */
export function isRoleWithin(granted: Role, granter: Role): boolean {
  for (const permission of grants[granted]) if (!grants[granter].has(permission)) return false;
  return true;
}
