"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { RequestFilters } from "./request-filters";
import { filtersToSearch, toQueryInput, type RequestFilterForm } from "./request-filters-state";
import { RequestsTable } from "./requests-table";

export function RequestsLedger({ initialFilters }: { initialFilters: RequestFilterForm }) {
  const trpc = useTRPC();
  const permissions = usePermissions();
  const [filters, setFilters] = useState(initialFilters);
  const requests = useInfiniteQuery(
    trpc.requests.list.infiniteQueryOptions(toQueryInput(filters), {
      getNextPageParam: (page) => page.nextCursor,
      placeholderData: keepPreviousData,
    }),
  );

  function changeFilters(next: RequestFilterForm) {
    setFilters(next);
    // Keep the URL shareable without a server round trip.
    window.history.replaceState(null, "", `${window.location.pathname}${filtersToSearch(next)}`);
  }

  const rows = requests.data?.pages.flatMap((page) => page.rows) ?? [];
  return (
    <div className="space-y-3">
      <RequestFilters value={filters} onChange={changeFilters} />
      <ErrorBanner error={requests.error} title="Could not load requests" />
      <RequestsTable rows={rows} isLoading={requests.isLoading} isFiltered={Object.values(filters).some(Boolean)} />
      <div className="flex items-center justify-between text-xs text-neutral-500">
        <span>
          {rows.length} request{rows.length === 1 ? "" : "s"} shown
          {permissions.me && !permissions.can("org:read-all") ? <span data-testid="scope-own-keys"> · your keys only</span> : null}
        </span>
        <div className="flex gap-2">
          <Button size="sm" variant="ghost" onClick={() => requests.refetch()} isPending={requests.isRefetching && !requests.isFetchingNextPage}>
            Refresh
          </Button>
          {requests.hasNextPage ? (
            <Button size="sm" onClick={() => requests.fetchNextPage()} isPending={requests.isFetchingNextPage}>
              Load more
            </Button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
