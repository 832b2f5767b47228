import { Readable, pipeline } from "node:stream";
import { stringify } from "csv-stringify";
import type { Database } from "@/db/client";
import { iterateAuditFor, type AuditFilterInput, type AuditView } from "./audit";
import { can } from "./permissions";
import type { Actor } from "./service-result";

const columns = ["time", "actor", "actor_name", "source", "action", "target_type", "target_id", "before", "after"] as const;

function toRecord(row: AuditView): Record<(typeof columns)[number], string> {
  return {
    time: row.createdAt.toISOString(),
    actor: row.actor,
    actor_name: row.actorLabel ?? "",
    source: row.source,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId ?? "",
    before: row.before === null ? "" : JSON.stringify(row.before),
    after: row.after === null ? "" : JSON.stringify(row.after),
  };
}

/**
 * The matching audit entries as CSV, streamed: rows are read in keyset pages and written as the
 * client reads them. Cells that a spreadsheet would run as a formula (=, +, -, @ …) are escaped.
 * Returns null when the role may not read the audit log.
 */
export function streamAuditCsv(db: Database, actor: Actor, filters: AuditFilterInput): ReadableStream<Uint8Array> | null {
  if (!can(actor.role, "audit:read")) return null;
  async function* records() {
    for await (const row of iterateAuditFor(db, actor, filters)) yield toRecord(row);
  }
  const csv = stringify({ header: true, columns: [...columns], escape_formulas: true });
  // pipeline destroys the CSV stream when reading fails, so the download ends in an error instead of hanging or looking complete.
  pipeline(Readable.from(records()), csv, () => {});
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}

export function auditCsvFilename(now = new Date()): string {
  return `modelgate-audit-${now.toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`;
}
