"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { useTRPC } from "@/app/_trpc/client";
import { AuditFilters } from "./audit-filters";
import { auditExportHref, auditFiltersToSearch, toAuditQueryInput, type AuditFilterForm } from "./audit-filters-state";
import { AuditTable } from "./audit-table";

export function AuditLog({ initialFilters }: { initialFilters: AuditFilterForm }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState(initialFilters);
  const entries = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(toAuditQueryInput(filters), {
      getNextPageParam: (page) => page.nextCursor,
      placeholderData: keepPreviousData,
    }),
  );

  function changeFilters(next: AuditFilterForm) {
    setFilters(next);
    window.history.replaceState(null, "", `${window.location.pathname}${auditFiltersToSearch(next)}`);
  }

  const rows = entries.data?.pages.flatMap((page) => page.rows) ?? [];
  return (
    <div className="space-y-3">
      <AuditFilters value={filters} onChange={changeFilters} exportHref={auditExportHref(filters)} />
      <ErrorBanner error={entries.error} title="Could not load the audit log" />
      <AuditTable rows={rows} isLoading={entries.isLoading} isFiltered={Object.values(filters).some(Boolean)} />
      <div className="flex items-center justify-between text-xs text-neutral-500">
        <span data-testid="audit-count">
          {rows.length} entr{rows.length === 1 ? "y" : "ies"} shown
        </span>
        <div className="flex gap-2">
          <Button size="sm" variant="ghost" onClick={() => entries.refetch()} isPending={entries.isRefetching && !entries.isFetchingNextPage}>
            Refresh
          </Button>
          {entries.hasNextPage ? (
            <Button size="sm" onClick={() => entries.fetchNextPage()} isPending={entries.isFetchingNextPage}>
              Load more
            </Button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
