"use client";

import Link from "next/link";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { BudgetsPanel } from "../budgets/budgets-panel";

/** The organization's own budgets on the overview, for roles that read budgets. */
export function OrgBudgets() {
  const permissions = usePermissions();
  if (!permissions.can("budgets:read")) return null;
  return (
    <section className="mt-8 space-y-3" aria-label="Organization budgets">
      <h2 className="text-sm font-semibold">Organization budgets</h2>
      <BudgetsPanel scope="org" />
      <p className="text-xs text-neutral-500">
        Team, key, end-user and model budgets are on the{" "}
        <Link href="/budgets" className="text-accent-700 hover:underline">
          Budgets
        </Link>{" "}
        page.
      </p>
    </section>
  );
}
