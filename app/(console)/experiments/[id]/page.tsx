import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { ExperimentDetail } from "./experiment-detail";

export const metadata: Metadata = { title: "Experiment" };

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor, allowed } = await requirePermission("routing:read");
  if (!allowed) return <NoAccess role={actor.role} what="experiments" />;
  return <ExperimentDetail id={(await params).id} />;
}
