"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime, formatUsd } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";

interface Close {
  closedAt: Date;
  closedBy: string;
  frozenCostUsd: string;
  lateCostUsd: string;
  adjustmentMonth: string;
}

/** A calendar month's close state: close it once it has ended (finance, owner, admin), reopen it (owner). */
export function PeriodStatus({ month, periodEnd, close }: { month: string; periodEnd: Date; close: Close | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.reports.pathKey() });
  const closeMonth = useMutation(trpc.periods.close.mutationOptions({ onSuccess: refresh }));
  const reopen = useMutation(trpc.periods.reopen.mutationOptions({ onSuccess: refresh }));
  const [openedAt] = useState(() => Date.now());
  const hasEnded = periodEnd.getTime() <= openedAt;
  const hasLateRows = close !== null && !/^-?[0.]*$/.test(close.lateCostUsd);

  return (
    <div className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" data-testid="period-status">
      {close ? (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-neutral-700">
            <span className="mr-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-semibold text-emerald-800" data-testid="period-closed">
              Closed
            </span>
            {month} was closed {formatDateTime(close.closedAt)}; its totals are frozen at {formatUsd(close.frozenCostUsd)}.
            {hasLateRows ? (
              <span className="ml-1 text-amber-800" data-testid="late-rows">
                {formatUsd(close.lateCostUsd)} recorded since is reported as an adjustment in {close.adjustmentMonth}.
              </span>
            ) : null}
          </p>
          {permissions.can("periods:reopen") ? (
            <ConfirmButton label="Reopen" title={`Reopen ${month}?`} confirmLabel={`Reopen ${month}`} onConfirm={() => reopen.mutateAsync({ month })}>
              Its totals will follow the live ledger again until it is closed anew. The reopen is recorded in the audit log.
            </ConfirmButton>
          ) : null}
        </div>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-neutral-700">
            {month} is open{hasEnded ? ": close it to freeze its totals; anything recorded for it later shows as an adjustment in the next open month." : " (it has not ended yet)."}
          </p>
          {permissions.can("periods:close") && hasEnded ? (
            <Button size="sm" variant="primary" onClick={() => closeMonth.mutate({ month })} isPending={closeMonth.isPending} data-testid="close-period">
              Close {month}
            </Button>
          ) : null}
        </div>
      )}
      <ErrorBanner error={closeMonth.error} title="Could not change the period" className="mt-2" />
    </div>
  );
}
