"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { strategyLabels } from "./strategy-labels";

/** Every version of a group's definition, newest first; one click makes an older one current again (as a new version). */
export function GroupVersions({ id, canWrite, onDone }: { id: string; canWrite: boolean; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const group = useQuery(trpc.groups.get.queryOptions({ id }));
  const restore = useMutation(
    trpc.groups.restore.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.groups.pathKey() });
        onDone();
      },
    }),
  );
  if (group.isLoading) return <p className="text-sm text-neutral-500">Loading…</p>;
  return (
    <div className="space-y-3">
      <ErrorBanner error={group.error ?? restore.error} title="Could not load or restore the version" />
      <ol className="space-y-2" aria-label="Versions">
        {group.data?.versions?.map((version) => (
          <li key={version.id} className="rounded-md border border-neutral-200 px-3 py-2 text-sm" data-testid="group-version">
            <div className="flex items-center justify-between gap-2">
              <span>
                <span className="font-medium">v{version.version}</span> {version.version === group.data?.version ? <Badge tone="green">current</Badge> : null}{" "}
                <span className="text-neutral-600">{version.note}</span>
              </span>
              {canWrite && version.version !== group.data?.version ? (
                <Button size="sm" isPending={restore.isPending} onClick={() => restore.mutate({ id, version: version.version })} aria-label={`Restore version ${version.version}`}>
                  Restore
                </Button>
              ) : null}
            </div>
            <p className="text-xs text-neutral-500">
              {formatDateTime(version.createdAt)} by {version.createdBy} · {strategyLabels[version.definition.strategy]} · {version.definition.deployments.map((deployment) => `${deployment.id} → ${deployment.model}`).join(", ")}
              {version.definition.fallbacks.length ? ` · fallbacks ${version.definition.fallbacks.join(" → ")}` : ""}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}
