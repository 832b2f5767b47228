import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { ProvidersPanel } from "./providers-panel";

export const metadata: Metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const { actor, allowed } = await requirePermission("providers:read");
  if (!allowed) return <NoAccess role={actor.role} what="provider connections" />;
  return <ProvidersPanel />;
}
