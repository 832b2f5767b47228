import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { BudgetsPanel } from "./budgets-panel";

export const metadata: Metadata = { title: "Budgets" };

export default async function BudgetsPage() {
  const { actor, allowed } = await requirePermission("budgets:read");
  if (!allowed) return <NoAccess role={actor.role} what="budgets" />;
  return <BudgetsPanel />;
}
