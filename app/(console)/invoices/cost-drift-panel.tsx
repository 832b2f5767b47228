"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { formatDateTime, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";

const thisMonth = () => new Date().toISOString().slice(0, 7);

function varianceTone(exceeds: boolean, variance: string | null): string {
  if (exceeds) return "text-red-700 font-medium";
  return variance?.startsWith("-") ? "text-emerald-700" : "";
}

/** Providers' own daily cost figures (imported from their cost APIs) against the gateway's cost, with drift alerts. */
export function CostDriftPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const canWrite = permissions.can("periods:close");
  const [month, setMonth] = useState(thisMonth());
  const [provider, setProvider] = useState("openai");
  const [adminKey, setAdminKey] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [threshold, setThreshold] = useState<string | null>(null);
  const [webhook, setWebhook] = useState<string | null>(null);
  const isMonth = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const overview = useQuery(trpc.costImports.overview.queryOptions());
  const drift = useQuery(trpc.costImports.drift.queryOptions({ month }, { enabled: isMonth }));
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.costImports.overview.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.costImports.drift.queryKey({ month }) });
  };
  const setSource = useMutation(trpc.costImports.setSource.mutationOptions({ onSuccess: async () => (setAdminKey(""), await refresh()) }));
  const setSettings = useMutation(trpc.costImports.setSettings.mutationOptions({ onSuccess: refresh }));
  const importNow = useMutation(trpc.costImports.importNow.mutationOptions({ onSuccess: refresh }));
  const settings = overview.data?.settings;
  const thresholdValue = threshold ?? settings?.thresholdPercent ?? "5.00";
  const webhookValue = webhook ?? settings?.webhookUrl ?? "";

  function saveSource(event: FormEvent) {
    event.preventDefault();
    setSource.mutate({ provider: provider as "openai" | "anthropic", ...(adminKey.trim() ? { admin_key: adminKey.trim() } : {}), ...(baseUrl.trim() ? { base_url: baseUrl.trim() } : {}) });
  }
  function saveSettings(event: FormEvent) {
    event.preventDefault();
    setSettings.mutate({ threshold_percent: thresholdValue.trim(), webhook_url: webhookValue.trim() || null });
  }

  return (
    <section className="space-y-4" data-testid="cost-drift">
      <div>
        <h2 className="text-base font-semibold text-neutral-900">Provider cost figures</h2>
        <p className="text-sm text-neutral-500">
          Each provider&apos;s own daily cost, imported from its cost API every day at 06:00 UTC (the last days again, as providers revise them), against the gateway&apos;s cost
          for the same UTC day. Drift above {settings?.thresholdPercent ?? "5.00"}% of the gateway&apos;s cost raises an alert.
        </p>
      </div>
      <ErrorBanner error={overview.error ?? importNow.error} title="Could not load or import provider cost figures" />
      <Table data-testid="cost-sources">
        <TableHead>
          <Th>Provider</Th>
          <Th>Admin key</Th>
          <Th>Last import</Th>
          <Th>Status</Th>
          <Th>Next import</Th>
          <Th />
        </TableHead>
        <TableBody>
          {overview.data && overview.data.sources.length === 0 ? <TableMessage colSpan={6}>No provider cost API is set. Add an admin key below to import a provider&apos;s own figures.</TableMessage> : null}
          {overview.data?.sources.map((source) => (
            <Tr key={source.provider} data-testid={`cost-source-${source.provider}`}>
              <Td className="font-medium">{source.provider}</Td>
              <Td className="font-mono text-xs text-neutral-600">…{source.credentialLast4}</Td>
              <Td className="text-neutral-600">{source.lastImportAt ? formatDateTime(source.lastImportAt) : "never"}</Td>
              <Td>
                {source.lastStatus === "ok" ? <Badge tone="green">{source.lastDays} days imported</Badge> : null}
                {source.lastStatus === "failed" ? <Badge tone="red">failed</Badge> : null}
                {source.lastError ? <span className="ml-2 text-xs text-red-700">{source.lastError}</span> : null}
                {!source.enabled ? <Badge tone="gray">disabled</Badge> : null}
              </Td>
              <Td className="text-neutral-600">{formatDateTime(source.nextImportAt)}</Td>
              <Td>
                {canWrite ? (
                  <Button size="sm" isPending={importNow.isPending && importNow.variables?.provider === source.provider} onClick={() => importNow.mutate({ provider: source.provider as "openai" | "anthropic" })}>
                    Import now
                  </Button>
                ) : null}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      {canWrite ? (
        <div className="flex flex-wrap gap-4">
          <form onSubmit={saveSource} className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" aria-label="Set a provider cost API">
            <SelectField label="Provider" value={provider} onChange={(event) => setProvider(event.target.value)} className="w-36">
              {(overview.data?.providers ?? ["openai", "anthropic"]).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </SelectField>
            <TextField label="Admin key" type="password" value={adminKey} onChange={(event) => setAdminKey(event.target.value)} placeholder="sk-admin-… / sk-ant-admin…" className="w-64" autoComplete="off" />
            <TextField label="Base URL (optional)" value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} placeholder="https://api.openai.com/v1" className="w-64" />
            <Button type="submit" variant="primary" isPending={setSource.isPending}>
              Save cost API
            </Button>
            <ErrorBanner error={setSource.error} title="Could not save the cost API" className="w-full" />
          </form>
          <form onSubmit={saveSettings} className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" aria-label="Drift alerts">
            <TextField label="Alert above (%)" value={thresholdValue} onChange={(event) => setThreshold(event.target.value)} inputMode="decimal" className="w-32" />
            <TextField label="Webhook URL (optional)" value={webhookValue} onChange={(event) => setWebhook(event.target.value)} placeholder="https://hooks.example.com/drift" className="w-72" />
            <Button type="submit" isPending={setSettings.isPending}>
              Save alerts
            </Button>
            <ErrorBanner error={setSettings.error} title="Could not save the alert settings" className="w-full" />
          </form>
        </div>
      ) : null}
      <div className="flex flex-wrap items-end gap-3">
        <TextField label="Month (UTC days)" type="month" value={month} onChange={(event) => setMonth(event.target.value)} className="w-44" data-testid="drift-month" />
      </div>
      <ErrorBanner error={drift.error} title="Could not load the drift" />
      {drift.data && drift.data.alerts.length > 0 ? (
        <ul className="space-y-1 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800" data-testid="drift-alerts">
          {drift.data.alerts.map((alert) => (
            <li key={alert.id}>
              {alert.provider} {alert.scope === "month" ? `month to date ${alert.period}` : alert.period}: provider {formatUsd(alert.providerCostUsd)} against gateway {formatUsd(alert.gatewayCostUsd)} ({alert.variancePercent === null ? "no gateway cost" : `${alert.variancePercent}%`}, above {alert.thresholdPercent}%)
              {alert.deliveryStatus !== "none" ? ` · webhook ${alert.deliveryStatus}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      <Table data-testid="drift-table">
        <TableHead>
          <Th>Provider</Th>
          <Th>Day (UTC)</Th>
          <Th className="text-right">Gateway cost</Th>
          <Th className="text-right">Provider&apos;s figure</Th>
          <Th className="text-right">Variance</Th>
          <Th className="text-right">Variance %</Th>
        </TableHead>
        <TableBody>
          {drift.data && drift.data.providers.length === 0 ? <TableMessage colSpan={6}>Nothing imported for {month}.</TableMessage> : null}
          {drift.data?.providers.flatMap((line) => [
            <Tr key={`${line.provider}-month`} data-testid={`drift-${line.provider}-month`} className="bg-neutral-50">
              <Td className="font-medium">{line.provider}</Td>
              <Td className="font-medium">{month} · {line.month.daysCompared} days compared</Td>
              <Td className="text-right tabular-nums font-medium" title={`$${line.month.gatewayCostUsd}`}>{formatUsd(line.month.gatewayCostUsd)}</Td>
              <Td className="text-right tabular-nums font-medium">{line.month.providerCostUsd === null ? "—" : formatUsd(line.month.providerCostUsd)}</Td>
              <Td className={`text-right tabular-nums ${varianceTone(line.month.exceedsThreshold, line.month.varianceUsd)}`} title={line.month.varianceUsd ? `$${line.month.varianceUsd}` : undefined}>
                {line.month.varianceUsd === null ? "—" : formatUsd(line.month.varianceUsd)}
              </Td>
              <Td className={`text-right tabular-nums ${varianceTone(line.month.exceedsThreshold, line.month.varianceUsd)}`}>{line.month.variancePercent === null ? "—" : `${line.month.variancePercent}%`}</Td>
            </Tr>,
            ...line.days
              .filter((day) => day.providerCostUsd !== null || day.gatewayCostUsd !== "0.000000000000")
              .map((day) => (
                <Tr key={`${line.provider}-${day.day}`} data-testid={`drift-${line.provider}-${day.day}`}>
                  <Td />
                  <Td className="text-neutral-600">{day.day}</Td>
                  <Td className="text-right tabular-nums" title={`$${day.gatewayCostUsd}`}>{formatUsd(day.gatewayCostUsd)}</Td>
                  <Td className="text-right tabular-nums">{day.providerCostUsd === null ? <span className="text-neutral-400">not imported</span> : formatUsd(day.providerCostUsd)}</Td>
                  <Td className={`text-right tabular-nums ${varianceTone(day.exceedsThreshold, day.varianceUsd)}`} title={day.varianceUsd ? `$${day.varianceUsd}` : undefined}>
                    {day.varianceUsd === null ? "—" : formatUsd(day.varianceUsd)}
                  </Td>
                  <Td className={`text-right tabular-nums ${varianceTone(day.exceedsThreshold, day.varianceUsd)}`}>{day.variancePercent === null ? "—" : `${day.variancePercent}%`}</Td>
                </Tr>
              )),
          ])}
        </TableBody>
      </Table>
    </section>
  );
}
