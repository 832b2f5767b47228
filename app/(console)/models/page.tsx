import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { ModelsPanel } from "./models-panel";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const { actor, allowed } = await requirePermission("models:read");
  if (!allowed) return <NoAccess role={actor.role} what="the model catalog" />;
  return <ModelsPanel />;
}
