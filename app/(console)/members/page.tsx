import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { MembersPanel } from "./members-panel";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const { actor, allowed } = await requirePermission("members:read");
  if (!allowed) return <NoAccess role={actor.role} what="members" />;
  return <MembersPanel />;
}
