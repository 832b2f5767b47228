import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { PageHeader } from "@/app/_components/page-header";
import { requirePermission } from "@/app/_components/require-permission";
import { parseAuditFilters } from "./audit-filters-state";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, allowed } = await requirePermission("audit:read");
  if (!allowed) return <NoAccess role={actor.role} what="the audit log" />;
  const params = new URLSearchParams(Object.entries(await searchParams).flatMap(([key, value]) => (typeof value === "string" ? [[key, value]] : [])));
  return (
    <>
      <PageHeader title="Audit log" description="Every change to members, roles, teams, keys, providers, models and prices, and every sign-in, newest first. Secrets are never recorded." />
      <AuditLog initialFilters={parseAuditFilters(params)} />
    </>
  );
}
