import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { RoutingPanel } from "./routing-panel";

export const metadata: Metadata = { title: "Routing" };

export default async function RoutingPage() {
  const { actor, allowed } = await requirePermission("routing:read");
  if (!allowed) return <NoAccess role={actor.role} what="routing" />;
  return <RoutingPanel />;
}
