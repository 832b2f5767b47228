"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, type BadgeTone } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { TextField } from "@/app/_components/field";
import { formatDateTime, formatInteger } from "@/app/_components/format";
import { Switch } from "@/app/_components/switch";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { ExportDeliveryView } from "@/server/admin/export-schedules";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { ExportScheduleForm } from "./export-schedule-form";
import { groupings } from "./report-query";

const statusTones: Record<string, BadgeTone> = { delivered: "green", pending: "blue", failed: "red" };

/** What the status cell reads of a delivery (the service's view; type only, nothing of the server is bundled). */
type Delivery = Omit<ExportDeliveryView, "id" | "idempotency_key">;

function formatBytes(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function lastMonthOfBrowser(): string {
  const now = new Date();
  const last = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, "0")}`;
}

export function DeliveryStatus({ delivery }: { delivery: Delivery | null }) {
  if (!delivery) return <span className="text-neutral-400">None yet</span>;
  const detail =
    delivery.status === "delivered"
      ? `${formatInteger(delivery.rows)} rows · ${formatBytes(delivery.bytes)} · ${formatDateTime(delivery.delivered_at)}`
      : [delivery.last_error, delivery.next_attempt_at && delivery.attempts > 0 ? `next try ${formatDateTime(delivery.next_attempt_at)}` : null].filter(Boolean).join(" · ");
  return (
    <span className="flex flex-wrap items-center gap-1.5">
      <span className="font-medium tabular-nums">{delivery.period}</span>
      <Badge tone={statusTones[delivery.status] ?? "gray"} testId="delivery-status">
        {delivery.status}
      </Badge>
      <span className="text-xs text-neutral-500">
        {delivery.attempts === 1 ? "1 attempt" : `${delivery.attempts} attempts`}
        {detail ? ` · ${detail}` : ""}
      </span>
    </span>
  );
}

/** The Reports page's scheduled exports: each schedule's latest delivery, and create / enable / send now / delete. */
export function ExportSchedules() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const canWrite = permissions.can("exports:write");
  const schedules = useQuery(
    // Followed while a delivery is on its way: one pending, or an enabled schedule that has not delivered yet.
    trpc.exportSchedules.list.queryOptions(undefined, {
      refetchInterval: (query) => (query.state.data?.some((row) => row.last_delivery?.status === "pending" || (row.enabled && row.last_delivery === null)) ? 3_000 : false),
    }),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.exportSchedules.pathKey() });
  const update = useMutation(trpc.exportSchedules.update.mutationOptions({ onSuccess: refresh }));
  const send = useMutation(trpc.exportSchedules.send.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.exportSchedules.delete.mutationOptions({ onSuccess: refresh }));
  const [isCreating, setIsCreating] = useState(false);
  const [historyOf, setHistoryOf] = useState<{ id: string; name: string } | null>(null);
  const [month, setMonth] = useState(lastMonthOfBrowser);

  return (
    <section className="space-y-3" aria-labelledby="scheduled-exports" data-testid="export-schedules">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="scheduled-exports" className="text-sm font-semibold text-neutral-900">
            Scheduled exports
          </h2>
          <p className="text-xs text-neutral-500">Each month&apos;s CSV report or FOCUS file, POSTed to a webhook once the month has ended (a closed month&apos;s from its close); failed deliveries are retried with backoff.</p>
        </div>
        {canWrite ? (
          <div className="flex items-end gap-2">
            <TextField label="Month to send" type="month" value={month} onChange={(event) => setMonth(event.target.value)} className="w-40" />
            <Button size="sm" variant="primary" onClick={() => setIsCreating(true)} data-testid="new-export-schedule">
              New schedule
            </Button>
          </div>
        ) : null}
      </div>
      <ErrorBanner error={schedules.error ?? update.error ?? send.error ?? remove.error} title="Scheduled exports" />
      <Table>
        <TableHead>
          <Th>Name</Th>
          <Th>File</Th>
          <Th>Webhook</Th>
          <Th>Latest delivery</Th>
          <Th>Enabled</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {schedules.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {schedules.data?.length === 0 ? <TableMessage colSpan={6}>No scheduled exports yet.</TableMessage> : null}
          {schedules.data?.map((schedule) => (
            <Tr key={schedule.id} data-testid="export-schedule-row">
              <Td className="font-medium">{schedule.name}</Td>
              <Td>{schedule.format === "focus" ? "FOCUS 1.2" : `CSV by ${groupings.find(([value]) => value === schedule.group_by)?.[1].toLowerCase() ?? schedule.group_by}`}</Td>
              <Td className="font-mono text-xs text-neutral-600">{schedule.webhook_url}</Td>
              <Td>
                <DeliveryStatus delivery={schedule.last_delivery} />
              </Td>
              <Td>
                <Switch
                  isOn={schedule.enabled}
                  label={`${schedule.enabled ? "Disable" : "Enable"} ${schedule.name}`}
                  isPending={update.isPending || !canWrite}
                  onToggle={() => update.mutate({ id: schedule.id, patch: { enabled: !schedule.enabled } })}
                />
              </Td>
              <Td className="text-right whitespace-nowrap">
                <span className="inline-flex gap-1.5">
                  <Button size="sm" onClick={() => setHistoryOf({ id: schedule.id, name: schedule.name })}>
                    History
                  </Button>
                  {canWrite ? (
                    <>
                      <Button size="sm" disabled={!schedule.enabled} title={schedule.enabled ? undefined : "Enable the schedule to send a month"} onClick={() => send.mutate({ id: schedule.id, period: month })} isPending={send.isPending && send.variables?.id === schedule.id} data-testid="send-export">
                        Send {month}
                      </Button>
                      <ConfirmButton label="Delete" title={`Delete ${schedule.name}?`} confirmLabel="Delete schedule" onConfirm={() => remove.mutateAsync({ id: schedule.id })}>
                        Its delivery history goes with it. The deletion is recorded in the audit log.
                      </ConfirmButton>
                    </>
                  ) : null}
                </span>
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <Dialog title="New scheduled export" isOpen={isCreating} onClose={() => setIsCreating(false)}>
        <ExportScheduleForm onDone={() => setIsCreating(false)} />
      </Dialog>
      <Dialog title={historyOf ? `Deliveries of ${historyOf.name}` : "Deliveries"} isOpen={historyOf !== null} onClose={() => setHistoryOf(null)} size="lg">
        {historyOf ? <DeliveryHistory id={historyOf.id} /> : null}
      </Dialog>
    </section>
  );
}

function DeliveryHistory({ id }: { id: string }) {
  const trpc = useTRPC();
  const schedule = useQuery(trpc.exportSchedules.get.queryOptions({ id }));
  if (schedule.error) return <ErrorBanner error={schedule.error} title="Could not load the deliveries" />;
  if (!schedule.data) return <p className="text-sm text-neutral-500">Loading…</p>;
  if (schedule.data.deliveries.length === 0) return <p className="text-sm text-neutral-500">Nothing delivered yet: the first file goes out once a month has ended.</p>;
  return (
    <ul className="divide-y divide-neutral-100 text-sm">
      {schedule.data.deliveries.map((delivery) => (
        <li key={delivery.id} className="py-2">
          <DeliveryStatus delivery={delivery} />
        </li>
      ))}
    </ul>
  );
}
