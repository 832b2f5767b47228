import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/app/_components/no-access";
import { PageHeader } from "@/app/_components/page-header";
import { requirePermission } from "@/app/_components/require-permission";
import { BudgetAlertsBanner } from "../budgets/budget-alerts-banner";
import { OrgBudgets } from "./org-budgets";
import { OverviewDashboard } from "./overview-dashboard";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { actor, allowed } = await requirePermission("overview:read");
  if (!allowed) return <NoAccess role={actor.role} what="the overview" />;
  return (
    <>
      <PageHeader title="Overview" description="Traffic, tokens, cost and latency from the usage ledger." />
      <BudgetAlertsBanner />
      <Suspense>
        <OverviewDashboard />
      </Suspense>
      <OrgBudgets />
    </>
  );
}
