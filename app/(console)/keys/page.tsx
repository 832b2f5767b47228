import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { KeysPanel } from "./keys-panel";

export const metadata: Metadata = { title: "Keys" };

export default async function KeysPage() {
  const { actor, allowed } = await requirePermission("keys:read");
  if (!allowed) return <NoAccess role={actor.role} what="virtual keys" />;
  return <KeysPanel />;
}
