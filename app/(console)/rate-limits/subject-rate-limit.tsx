"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { formatLimit } from "./format-limit";
import { RateLimitForm } from "./rate-limit-form";

/**
 * A key's or team's rate limit on its page: its own limit, or the scope's default it falls under, with
 * edit and remove for owners and admins. Nothing is shown to roles that cannot read limits.
 */
export function SubjectRateLimit({ scope, scopeId, name }: { scope: "key" | "team"; scopeId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const canRead = permissions.can("rate-limits:read");
  const canWrite = permissions.can("rate-limits:write");
  const limits = useQuery(trpc.rateLimits.list.queryOptions({ scope }, { enabled: canRead }));
  const remove = useMutation(trpc.rateLimits.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.rateLimits.pathKey() }) }));
  const [isEditing, setIsEditing] = useState(false);
  if (!canRead) return null;
  const own = limits.data?.find((limit) => limit.scopeId === scopeId);
  const fallback = limits.data?.find((limit) => limit.scopeId === null);
  const shown = own ?? fallback;

  return (
    <section aria-label="Rate limit" className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs">
      <div className="flex items-start justify-between gap-4">
        <div>
          <p className="text-xs font-medium text-neutral-500">Rate limit</p>
          <p className="mt-1 text-sm font-semibold text-neutral-900" data-testid="subject-rate-limit">
            {limits.isLoading ? "Loading…" : shown ? formatLimit(shown) : "No limit"}
          </p>
          <p className="mt-0.5 flex items-center gap-1 text-xs text-neutral-500">
            {own ? <span>This {scope}&apos;s own limit.</span> : fallback ? <span>The default for every {scope} without its own.</span> : <span>Requests are limited only by the org, end-user and model limits.</span>}
            {shown?.failMode === "closed" ? <Badge tone="amber">fails closed</Badge> : null}
          </p>
        </div>
        {canWrite ? (
          <div className="flex gap-2">
            <Button size="sm" onClick={() => setIsEditing(true)}>
              {own ? "Edit limit" : "Set limit"}
            </Button>
            {own ? (
              <ConfirmButton label="Remove" title="Remove rate limit" confirmLabel="Remove limit" aria-label={`Remove the rate limit of ${name}`} onConfirm={() => remove.mutateAsync({ id: own.id })}>
                <p>
                  Remove the rate limit of <strong>{name}</strong>?{fallback ? ` The ${scope} default (${formatLimit(fallback)}) applies then.` : ""}
                </p>
              </ConfirmButton>
            ) : null}
          </div>
        ) : null}
      </div>
      <ErrorBanner error={limits.error} title="Could not load the rate limit" className="mt-2" />
      <Dialog title={`Rate limit: ${name}`} isOpen={isEditing} onClose={() => setIsEditing(false)}>
        <RateLimitForm scope={scope} scopeId={scopeId} current={own} onDone={() => setIsEditing(false)} />
      </Dialog>
    </section>
  );
}
