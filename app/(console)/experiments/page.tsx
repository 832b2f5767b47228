import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { ExperimentsPanel } from "./experiments-panel";

export const metadata: Metadata = { title: "Experiments" };

export default async function ExperimentsPage() {
  const { actor, allowed } = await requirePermission("routing:read");
  if (!allowed) return <NoAccess role={actor.role} what="experiments" />;
  return <ExperimentsPanel />;
}
