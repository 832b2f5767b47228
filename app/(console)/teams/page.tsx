import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { TeamsPanel } from "./teams-panel";

export const metadata: Metadata = { title: "Teams" };

export default async function TeamsPage() {
  const { actor, allowed } = await requirePermission("teams:read");
  if (!allowed) return <NoAccess role={actor.role} what="teams" />;
  return <TeamsPanel />;
}
