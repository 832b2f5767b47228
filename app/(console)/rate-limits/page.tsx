import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { RateLimitsPanel } from "./rate-limits-panel";

export const metadata: Metadata = { title: "Rate limits" };

export default async function RateLimitsPage() {
  const { actor, allowed } = await requirePermission("rate-limits:read");
  if (!allowed) return <NoAccess role={actor.role} what="rate limits" />;
  return <RateLimitsPanel />;
}
