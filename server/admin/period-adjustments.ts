import type { Database } from "@/db/client";
import { closedReport, listPeriodCloses, type PeriodCloseRow } from "@/db/queries/period-closes";
import { usageReport, type ReportGroup, type ReportGrouping, type ReportTotals } from "@/db/queries/usage-reports";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { addMonths, formatMonth } from "@/server/reports/time-zone";

/**
 * What the ledger holds now for a closed month beyond its frozen snapshot (late rows), per
 * group: live − frozen, exact. Reported in the first open month after the closed one.
 */
export interface AdjustmentGroup extends ReportGroup {
  adjustmentFor: string;
}

function signedPicos(text: string): bigint {
  return text.startsWith("-") ? -decimalToPicos(text.slice(1)) : decimalToPicos(text);
}

function diff(live: ReportGroup[], frozen: ReportGroup[], month: string): AdjustmentGroup[] {
  const keyOf = (group: ReportGroup) => group.key ?? "\u0000none";
  const byKey = new Map<string, AdjustmentGroup>();
  const add = (group: ReportGroup, sign: 1n | -1n) => {
    const entry = byKey.get(keyOf(group)) ?? { key: group.key, label: group.label, requests: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: "0", adjustmentFor: month };
    const factor = Number(sign);
    entry.requests += factor * group.requests;
    entry.inputTokens += factor * group.inputTokens;
    entry.outputTokens += factor * group.outputTokens;
    entry.cachedInputTokens += factor * group.cachedInputTokens;
    entry.costUsd = picosToDecimal(signedPicos(entry.costUsd) + sign * signedPicos(group.costUsd));
    entry.label ??= group.label;
    byKey.set(keyOf(group), entry);
  };
  for (const group of live) add(group, 1n);
  for (const group of frozen) add(group, -1n);
  return [...byKey.values()].filter((group) => group.requests !== 0 || signedPicos(group.costUsd) !== 0n);
}

/** The late rows of one closed month, grouped (empty when the ledger still matches the snapshot). */
export async function lateGroups(db: Database, close: PeriodCloseRow, groupBy: ReportGrouping, teamId?: string): Promise<{ groups: AdjustmentGroup[]; live: ReportTotals }> {
  const [live, frozen] = await Promise.all([usageReport(db, { orgId: close.orgId, from: close.periodStart, to: close.periodEnd, teamId }, groupBy), closedReport(db, close.id, groupBy, { teamId })]);
  return { groups: diff(live.groups, frozen, close.month), live: live.totals };
}

/** The first month after `month` that is not closed. */
export function firstOpenMonthAfter(month: string, closedMonths: ReadonlySet<string>): string {
  let next = addMonths({ year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) }, 1);
  while (closedMonths.has(formatMonth(next))) next = addMonths(next, 1);
  return formatMonth(next);
}

/** The org's open (not reopened) closes, and which open month each one's adjustments land in. */
export async function openCloses(db: Database, orgId: string): Promise<Array<PeriodCloseRow & { adjustmentMonth: string }>> {
  const closes = (await listPeriodCloses(db, orgId)).filter((close) => close.reopenedAt === null);
  const closedMonths = new Set(closes.map((close) => close.month));
  return closes.map((close) => ({ ...close, adjustmentMonth: firstOpenMonthAfter(close.month, closedMonths) }));
}

/** Adjustments an open month carries: the late rows of every closed month whose next open month it is. */
export async function adjustmentsFor(db: Database, orgId: string, month: string, groupBy: ReportGrouping, teamId?: string): Promise<AdjustmentGroup[]> {
  const sources = (await openCloses(db, orgId)).filter((close) => close.adjustmentMonth === month);
  const groups: AdjustmentGroup[] = [];
  for (const close of sources) groups.push(...(await lateGroups(db, close, groupBy, teamId)).groups);
  return groups;
}

export function sumTotals(groups: ReportGroup[]): ReportTotals {
  let picos = 0n;
  let listPicos: bigint | null = 0n;
  const totals = { requests: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: "0" };
  for (const group of groups) {
    totals.requests += group.requests;
    totals.inputTokens += group.inputTokens;
    totals.outputTokens += group.outputTokens;
    totals.cachedInputTokens += group.cachedInputTokens;
    picos += signedPicos(group.costUsd);
    listPicos = listPicos === null || group.listCostUsd === undefined ? null : listPicos + signedPicos(group.listCostUsd);
  }
  // A list total only when every group recorded one (frozen lines and adjustments do not).
  return { ...totals, costUsd: picosToDecimal(picos), ...(listPicos !== null ? { listCostUsd: picosToDecimal(listPicos) } : {}) };
}
