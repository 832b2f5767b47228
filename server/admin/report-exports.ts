import { Readable, pipeline } from "node:stream";
import { stringify } from "csv-stringify";
import type { Database } from "@/db/client";
import { countChargedRows, listChargeRows, type ChargeCursor } from "@/db/queries/usage-reports";
import { FOCUS_VERSION, focusColumns, focusRecordsOf } from "@/server/reports/focus";
import type { ReportPeriod } from "@/server/reports/report-period";
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

function csvOf(records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>, columns: readonly string[]): ReadableStream<Uint8Array> {
  const csv = stringify({ header: true, columns: [...columns], escape_formulas: true });
  // pipeline destroys the CSV stream when reading fails, so the download ends in an error instead of looking complete.
  pipeline(Readable.from(records), csv, () => {});
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}

function periodSlug(period: ReportPeriod): string {
  return period.label === "custom" ? `${period.from.toISOString().slice(0, 10)}_${period.to.toISOString().slice(0, 10)}` : period.label;
}

/** The grouped report as CSV: one row per group, then a total row (exact decimals, as in JSON). */
export async function reportCsvFor(db: Database, actor: Actor, input: ReportQuery): Promise<ServiceResult<CsvExport>> {
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
  return ok({ stream: csvOf(records, reportColumns), filename: `modelgate-usage-${periodSlug(period)}${input.team_id ? `-team-${input.team_id.slice(0, 8)}` : ""}-by-${groupBy}.csv`, headers: {} });
}

export interface FocusExportOptions {
  pageSize?: number;
  /** Called after each page is read from the database (tests watch the stream stay lazy). */
  onPage?: (rows: number) => void;
}

/**
 * Every charged ledger row of the period as FOCUS 1.2, streamed: rows are read in keyset pages
 * only as fast as the client reads the file, so a million-row export never sits in memory.
 */
export async function focusCsvFor(db: Database, actor: Actor, input: ReportQuery, options: FocusExportOptions = {}): Promise<ServiceResult<CsvExport>> {
  const period = await reportPeriodFor(db, actor, input);
  if (!period.ok) return period;
  const scope = { orgId: actor.orgId, from: period.value.from, to: period.value.to, timeZone: period.value.timeZone, teamId: input.team_id };
  const expected = await countChargedRows(db, scope);
  const pageSize = options.pageSize ?? 2000;
  async function* records() {
    let cursor: ChargeCursor | undefined;
    for (;;) {
      const rows = await listChargeRows(db, scope, { cursor, limit: pageSize });
      options.onPage?.(rows.length);
      for (const row of rows) yield* focusRecordsOf(row);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      cursor = { startedAtMicros: last.startedAtMicros, id: last.id };
    }
  }
  return ok({
    stream: csvOf(records(), focusColumns),
    filename: `modelgate-focus-${FOCUS_VERSION}-${periodSlug(period.value)}.csv`,
    headers: { "x-focus-version": FOCUS_VERSION, "x-ledger-rows": String(expected) },
  });
}
