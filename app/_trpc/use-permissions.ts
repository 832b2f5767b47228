"use client";

import { useQuery } from "@tanstack/react-query";
import type { Permission } from "@/server/admin/permissions";
import { useTRPC } from "./client";

/** The signed-in user's permissions (from `me`), to hide actions the role can't take. The server checks again. */
export function usePermissions() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.queryOptions(undefined, { staleTime: 60_000 }));
  const granted = new Set<Permission>(me.data?.permissions ?? []);
  return {
    me: me.data,
    isLoading: me.isLoading,
    can: (permission: Permission) => granted.has(permission),
  };
}
