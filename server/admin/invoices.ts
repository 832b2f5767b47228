import { z } from "zod";
import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findInvoice, listInvoices, upsertInvoice, type ProviderInvoiceRow } from "@/db/queries/provider-invoices";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { percentOf } from "@/server/reports/percent-of";
import { monthSchema } from "./period-close";
import { can } from "./permissions";
import { usageReportFor } from "./reports";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export { percentOf };

/**
 * Invoice reconciliation (README "Invoice reconciliation"): finance enters each provider's
 * invoice total for a month; the gateway's cost for that provider and month (the frozen snapshot
 * once the month is closed) is set against it, with the variance in dollars and percent.
 */
export const recordInvoiceInputSchema = z.object({
  month: monthSchema,
  provider: z.string().trim().min(1).max(64).regex(/^[a-z0-9_.-]+$/, "a provider id such as openai or anthropic"),
  /** US dollars, an exact decimal with at most 12 places. */
  total_usd: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,12})?$/, "a non-negative amount such as 1234.56"),
  invoice_number: z.string().trim().min(1).max(100).nullish(),
});
export type RecordInvoiceInput = z.infer<typeof recordInvoiceInputSchema>;

export interface ReconciliationLine {
  provider: string;
  gatewayCostUsd: string;
  requests: number;
  invoice: ProviderInvoiceRow | null;
  /** invoice − gateway, exact; null without an invoice. */
  varianceUsd: string | null;
  /** variance ÷ gateway × 100, rounded half away from zero to 2 decimals; null without an invoice or when the gateway cost is 0. */
  variancePercent: string | null;
}

export async function recordInvoice(db: Database, actor: Actor, input: RecordInvoiceInput): Promise<ServiceResult<ProviderInvoiceRow>> {
  if (!can(actor.role, "periods:close")) return failure({ code: "forbidden", message: "Your role cannot enter invoices." });
  const row = await db.transaction(async (tx) => {
    const before = await findInvoice(tx, actor.orgId, input.month, input.provider);
    const saved = await upsertInvoice(tx, { orgId: actor.orgId, month: input.month, provider: input.provider, totalUsd: input.total_usd, invoiceNumber: input.invoice_number ?? null, createdBy: actor.id });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "invoice.record", targetType: "provider_invoice", targetId: saved.id, before: before ?? null, after: saved });
    return saved;
  });
  return ok(row);
}

function signed(text: string): bigint {
  return text.startsWith("-") ? -decimalToPicos(text.slice(1)) : decimalToPicos(text);
}

export async function reconciliationFor(db: Database, actor: Actor, month: string): Promise<ServiceResult<{ month: string; from: Date; to: Date; timeZone: string; isClosed: boolean; lines: ReconciliationLine[] }>> {
  if (!can(actor.role, "reports:read")) return failure({ code: "forbidden", message: "Your role cannot read invoices." });
  if (!monthSchema.safeParse(month).success) return failure({ code: "invalid", message: "month must be YYYY-MM.", field: "month" });
  const report = await usageReportFor(db, actor, { month, group_by: "provider" });
  if (!report.ok) return report;
  const invoices = await listInvoices(db, actor.orgId, month);
  const byProvider = new Map<string, ReconciliationLine>();
  // Adjustments (late rows of an earlier closed month) belong to that month's invoice, not this one's.
  for (const group of report.value.groups.filter((candidate) => candidate.adjustmentFor === null)) {
    const provider = group.key ?? "(none)";
    byProvider.set(provider, { provider, gatewayCostUsd: group.costUsd, requests: group.requests, invoice: null, varianceUsd: null, variancePercent: null });
  }
  for (const invoice of invoices) {
    const line = byProvider.get(invoice.provider) ?? { provider: invoice.provider, gatewayCostUsd: "0.000000000000", requests: 0, invoice: null, varianceUsd: null, variancePercent: null };
    const variance = signed(invoice.totalUsd) - signed(line.gatewayCostUsd);
    byProvider.set(invoice.provider, { ...line, invoice, varianceUsd: picosToDecimal(variance), variancePercent: percentOf(variance, signed(line.gatewayCostUsd)) });
  }
  const { period, close } = report.value;
  return ok({ month, from: period.from, to: period.to, timeZone: period.timeZone, isClosed: close !== null, lines: [...byProvider.values()].sort((a, b) => a.provider.localeCompare(b.provider)) });
}
