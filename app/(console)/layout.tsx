import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Button } from "@/app/_components/button";
import { SidebarNav, type NavItem } from "@/app/_components/sidebar-nav";
import { can, type Permission } from "@/server/admin/permissions";
import { getSessionActor } from "@/server/auth/actor";
import { signOut } from "@/server/auth/auth";

export const dynamic = "force-dynamic";

const sections: Array<NavItem & { permission: Permission }> = [
  { href: "/overview", label: "Overview", permission: "overview:read" },
  { href: "/requests", label: "Requests", permission: "requests:read" },
  { href: "/keys", label: "Keys", permission: "keys:read" },
  { href: "/models", label: "Models", permission: "models:read" },
  { href: "/providers", label: "Providers", permission: "providers:read" },
  { href: "/members", label: "Members", permission: "members:read" },
  { href: "/teams", label: "Teams", permission: "teams:read" },
  { href: "/audit", label: "Audit log", permission: "audit:read" },
  { href: "/rate-limits", label: "Rate limits", permission: "rate-limits:read" },
  { href: "/budgets", label: "Budgets", permission: "budgets:read" },
  { href: "/reports", label: "Reports", permission: "reports:read" },
  { href: "/invoices", label: "Invoices", permission: "reports:read" },
  { href: "/policies", label: "Policies", permission: "policies:read" },
  { href: "/mcp-servers", label: "MCP servers", permission: "mcp:read" },
  { href: "/routing", label: "Routing", permission: "routing:read" },
  { href: "/experiments", label: "Experiments", permission: "routing:read" },
  { href: "/settings", label: "Settings", permission: "admin-tokens:write" },
];

async function signOutAction() {
  "use server";
  await signOut({ redirectTo: "/login" });
}

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await getSessionActor();
  if (!actor) redirect("/login");
  const items = sections.filter((section) => can(actor.role, section.permission)).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 print:hidden flex h-screen w-52 shrink-0 flex-col border-r border-neutral-200 bg-white px-3 py-4">
        <div className="mb-5 flex items-center gap-2 px-2.5">
          <span className="grid size-6 place-items-center rounded bg-accent-600 text-xs font-bold text-white" aria-hidden>
            m
          </span>
          <span className="text-sm font-semibold tracking-tight">modelgate</span>
        </div>
        <SidebarNav items={items} />
        <div className="mt-auto border-t border-neutral-200 px-2.5 pt-3">
          <p className="truncate text-xs font-medium text-neutral-800" title={actor.email} data-testid="user-email">
            {actor.email}
          </p>
          <p className="mb-2 text-xs text-neutral-500 capitalize" data-testid="user-role">
            {actor.role}
          </p>
          <form action={signOutAction}>
            <Button type="submit" size="sm" variant="secondary" className="w-full">
              Sign out
            </Button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-6 py-6">
        <div className="mx-auto max-w-[1400px]">{children}</div>
      </main>
    </div>
  );
}
