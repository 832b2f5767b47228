import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { PageHeader } from "@/app/_components/page-header";
import { requirePermission } from "@/app/_components/require-permission";
import { ReportsPanel } from "./reports-panel";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage() {
  const { actor, allowed } = await requirePermission("reports:read");
  if (!allowed) return <NoAccess role={actor.role} what="usage reports" />;
  return (
    <>
      <PageHeader title="Reports" description="Cost and usage for a period, grouped the way finance needs it; exact to the micro-dollar, exportable as CSV and FinOps FOCUS 1.2." />
      <ReportsPanel />
    </>
  );
}
