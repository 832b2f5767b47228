import { Readable, pipeline } from "node:stream";
import { stringify } from "csv-stringify";
import type { Database } from "@/db/client";
import { countChargedRows, listChargeRows, type ChargeCursor, type CloseFilter, type ReportScope } from "@/db/queries/usage-reports";
import { FOCUS_VERSION, focusColumns, focusRecordsOf, type FocusCorrection } from "@/server/reports/focus";
import type { ReportPeriod } from "@/server/reports/report-period";
import { openCloses } from "./period-adjustments";
import { reportPeriodFor, ungroupedNames, usageReportFor, type ReportQuery } from "./reports";
import { ok, type Actor, type ServiceResult } from "./service-result";

export interface CsvExport {
  stream: ReadableStream<Uint8Array>;
  filename: string;
  /** Response headers beside the content type (the FOCUS version, the ledger rows to expect). */
  headers: Record<string, string>;
}

const reportColumns = ["row_type", "adjustment_for", "period_start", "period_end", "time_zone", "group_by", "group_key", "group_name", "requests", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd", "currency", "list_cost_usd"] as const;

/** Cells a spreadsheet would run as a formula (=, +, -, @ …) are escaped, as in the audit export. */
type CsvRecord = Record<string, string | null> | (string | null)[];

function csvOf(records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>, columns: readonly string[], onRecord?: () => void): ReadableStream<Uint8Array> {
  const csv = stringify({ header: true, columns: [...columns], escape_formulas: true });
  if (onRecord) csv.on("record", onRecord);
  // pipeline destroys the CSV stream when reading fails, so the download ends in an error instead of looking complete.
  pipeline(Readable.from(records), csv, () => {});
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}

function periodSlug(period: ReportPeriod): string {
  return period.label === "custom" ? `${period.from.toISOString().slice(0, 10)}_${period.to.toISOString().slice(0, 10)}` : period.label;
}

/** The grouped report as CSV: one row per group, then a total row (exact decimals, as in JSON). */
export async function reportCsvFor(db: Database, actor: Actor, input: ReportQuery, options: Pick<FocusExportOptions, "onRecord"> = {}): Promise<ServiceResult<CsvExport>> {
  const report = await usageReportFor(db, actor, input);
  if (!report.ok) return report;
  const { period, groupBy, totals, groups } = report.value;
  const common = { period_start: period.from.toISOString(), period_end: period.to.toISOString(), time_zone: period.timeZone, group_by: groupBy, currency: "USD" };
  const numbers = (row: typeof totals) => ({
    requests: String(row.requests),
    input_tokens: String(row.inputTokens),
    cached_input_tokens: String(row.cachedInputTokens),
    output_tokens: String(row.outputTokens),
    cost_usd: row.costUsd,
    list_cost_usd: row.listCostUsd ?? "",
  });
  const records = [
    ...groups.map((group) => ({
      row_type: group.adjustmentFor ? "adjustment" : "group",
      adjustment_for: group.adjustmentFor ?? "",
      ...common,
      group_key: group.key ?? "",
      group_name: group.key === null ? ungroupedNames[groupBy] : group.name,
      ...numbers(group),
    })),
    { row_type: report.value.close ? "total_frozen" : "total", adjustment_for: "", ...common, group_key: "", group_name: "Total", ...numbers(totals) },
  ];
  return ok({ stream: csvOf(records, reportColumns, options.onRecord), filename: `modelgate-usage-${periodSlug(period)}${input.team_id ? `-team-${input.team_id.slice(0, 8)}` : ""}-by-${groupBy}.csv`, headers: {} });
}

export interface FocusExportOptions {
  pageSize?: number;
  /** Called after each page is read from the database (tests watch the stream stay lazy). */
  onPage?: (rows: number) => void;
  /** Called for each CSV record written (not the header): a delivery counts its file's rows. */
  onRecord?: () => void;
}

/** One run of ledger rows of a FOCUS file: the period's own, or a closed month's late rows billed as corrections. */
interface FocusSegment {
  scope: ReportScope & { timeZone: string; close?: CloseFilter };
  correction?: FocusCorrection;
}

const focusInstant = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * What a month's FOCUS file lists. A closed month (closed with its rows frozen): exactly the charged rows the close
 * counted. An open month: its ledger rows, then the rows recorded for a closed month after its close when this is the
 * first open month after it (the same rows its CSV report carries as adjustment groups), as corrections. A custom
 * range, and a month closed before rows were frozen, read the live ledger.
 */
async function focusSegments(db: Database, orgId: string, period: ReportPeriod, teamId?: string): Promise<FocusSegment[]> {
  const own: FocusSegment = { scope: { orgId, from: period.from, to: period.to, timeZone: period.timeZone, teamId } };
  if (period.label === "custom") return [own];
  const closes = (await openCloses(db, orgId)).filter((close) => close.requestsFrozen);
  const close = closes.find((candidate) => candidate.month === period.label);
  if (close) return [{ scope: { orgId, from: close.periodStart, to: close.periodEnd, timeZone: close.timeZone, teamId, close: { closeId: close.id, rows: "frozen" } } }];
  const corrections = closes
    .filter((source) => source.adjustmentMonth === period.label)
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((source) => ({
      scope: { orgId, from: source.periodStart, to: source.periodEnd, timeZone: source.timeZone, teamId, close: { closeId: source.id, rows: "late" as const } },
      correction: { adjustmentFor: source.month, billingPeriodStart: focusInstant(period.from), billingPeriodEnd: focusInstant(period.to) },
    }));
  return [own, ...corrections];
}

/**
 * Every charged ledger row of the period as FOCUS 1.2 (focusSegments: a closed month's frozen rows, an open
 * month's own rows and corrections), streamed: rows are read in keyset pages only as fast as the client reads the
 * file, so a million-row export never sits in memory.
 */
export async function focusCsvFor(db: Database, actor: Actor, input: ReportQuery, options: FocusExportOptions = {}): Promise<ServiceResult<CsvExport>> {
  const period = await reportPeriodFor(db, actor, input);
  if (!period.ok) return period;
  const segments = await focusSegments(db, actor.orgId, period.value, input.team_id);
  let expected = 0;
  for (const segment of segments) expected += await countChargedRows(db, segment.scope);
  const pageSize = options.pageSize ?? 2000;
  async function* records() {
    for (const segment of segments) {
      let cursor: ChargeCursor | undefined;
      for (;;) {
        const rows = await listChargeRows(db, segment.scope, { cursor, limit: pageSize });
        options.onPage?.(rows.length);
        for (const row of rows) yield* focusRecordsOf(row, segment.correction);
        if (rows.length < pageSize) break;
        const last = rows[rows.length - 1];
        cursor = { startedAtMicros: last.startedAtMicros, id: last.id };
      }
    }
  }
  return ok({
    stream: csvOf(records(), focusColumns, options.onRecord),
    filename: `modelgate-focus-${FOCUS_VERSION}-${periodSlug(period.value)}.csv`,
    headers: { "x-focus-version": FOCUS_VERSION, "x-ledger-rows": String(expected) },
  });
}
