import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { PageHeader } from "@/app/_components/page-header";
import { requirePermission } from "@/app/_components/require-permission";
import { parseRequestFilters } from "./request-filters-state";
import { RequestsLedger } from "./requests-ledger";

export const metadata: Metadata = { title: "Requests" };

export default async function RequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, allowed } = await requirePermission("requests:read");
  if (!allowed) return <NoAccess role={actor.role} what="the request ledger" />;
  const initialFilters = parseRequestFilters(new URLSearchParams(Object.entries(await searchParams).flatMap(([key, value]) => (typeof value === "string" ? [[key, value]] : []))));
  return (
    <>
      <PageHeader title="Requests" description="Every authenticated request through the gateway, newest first. Prompts and completions are not stored." />
      <RequestsLedger initialFilters={initialFilters} />
    </>
  );
}
