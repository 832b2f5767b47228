import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { PageHeader } from "@/app/_components/page-header";
import { requirePermission } from "@/app/_components/require-permission";
import { CostDriftPanel } from "./cost-drift-panel";
import { InvoicesPanel } from "./invoices-panel";

export const metadata: Metadata = { title: "Invoices" };

export default async function InvoicesPage() {
  const { actor, allowed } = await requirePermission("reports:read");
  if (!allowed) return <NoAccess role={actor.role} what="invoice reconciliation" />;
  return (
    <>
      <PageHeader title="Invoices" description="Each provider's invoice for a month against the gateway's own cost: the variance in dollars and percent, and the requests behind it." />
      <InvoicesPanel />
      <div className="mt-10">
        <CostDriftPanel />
      </div>
    </>
  );
}
