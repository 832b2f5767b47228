import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { PoliciesPanel } from "./policies-panel";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  const { actor, allowed } = await requirePermission("policies:read");
  if (!allowed) return <NoAccess role={actor.role} what="policies" />;
  return <PoliciesPanel />;
}
