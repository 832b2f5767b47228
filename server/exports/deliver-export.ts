import { createHmac } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Agent, request } from "undici";
import type { Database } from "@/db/client";
import { findExportSchedule, type ClaimedDelivery, type DeliveryOutcome } from "@/db/queries/export-schedules";
import { reportGroupings, type ReportGrouping } from "@/db/queries/usage-reports";
import { focusCsvFor, reportCsvFor, type CsvExport } from "@/server/admin/report-exports";
import type { ServiceResult } from "@/server/admin/service-result";
import { idempotencyKeyOf } from "@/server/admin/export-schedules";
import { guardedLookup } from "@/server/gateway/upstream";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { nextAttemptAfter } from "./due-periods";
import { deliveryErrorOf } from "./mask-url";

export interface ExportDeliveryOptions {
  /** WEBHOOK_SIGNING_SECRET: the same `x-modelgate-signature` as budget alert webhooks; unset, no signature. */
  signingSecret?: string;
  allowPrivateHosts: string;
  /** Waits after failed attempts (due-periods.ts); past the last one the delivery is failed. */
  backoffMs?: readonly number[];
  /** Longest wait for the receiver's answer headers and between its body bytes. */
  timeoutMs?: number;
  /** Where the file is spooled while it is signed and sent (the OS temp folder by default). */
  spoolDir?: string;
  clock?: () => Date;
}

/** One HMAC-SHA256 of "<timestamp>.<body>" over a file, read in chunks: budget webhooks' signature (alerts.ts signWebhook). */
async function signFile(secret: string, timestamp: string, file: string): Promise<string> {
  const hmac = createHmac("sha256", secret).update(`${timestamp}.`);
  for await (const chunk of createReadStream(file)) hmac.update(chunk as Buffer);
  return `sha256=${hmac.digest("hex")}`;
}

/** Writes the export to disk as it streams from the database (never whole in memory); returns its size. */
async function spool(stream: ReadableStream<Uint8Array>, file: string): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(stream as import("node:stream/web").ReadableStream<Uint8Array>), counter, createWriteStream(file));
  return bytes;
}

function failed(claim: ClaimedDelivery, error: string, responseStatus: number | null, at: Date, options: ExportDeliveryOptions, file: { bytes: number; rows: number } | null): DeliveryOutcome {
  const next = nextAttemptAfter(claim.attempts, at, options.backoffMs);
  return { status: next ? "pending" : "failed", error, responseStatus, nextAttemptAt: next ?? at, bytes: file?.bytes ?? null, rows: file?.rows ?? null, at };
}

/**
 * Produces a claimed delivery's file (the month's CSV report or FOCUS file, exactly what the Reports page downloads,
 * a closed month's from its close) into a spool file, signs it, and POSTs it to the schedule's webhook, re-checked
 * against the SSRF rules now and at connect time. Returns the outcome to record; never throws for the receiver's
 * failures.
 */
export async function deliverExport(db: Database, claim: ClaimedDelivery, options: ExportDeliveryOptions): Promise<DeliveryOutcome> {
  const clock = options.clock ?? (() => new Date());
  const orgId = claim.orgId;
  const schedule = await findExportSchedule(db, orgId, claim.scheduleId);
  if (!schedule) return failed(claim, "the schedule no longer exists", null, clock(), { ...options, backoffMs: [] }, null);
  const allow = parseAllowList(options.allowPrivateHosts);
  const checked = await checkOutboundUrl(schedule.webhookUrl, allow);
  if (!checked.ok) return failed(claim, `webhook_url ${checked.reason}`, null, clock(), options, null);
  let rows = 0;
  const actor = { orgId, id: "system", role: "finance" as const };
  const onRecord = () => void rows++;
  const groupBy: ReportGrouping = reportGroupings.includes(schedule.groupBy as ReportGrouping) ? (schedule.groupBy as ReportGrouping) : "team";
  const produced: ServiceResult<CsvExport> =
    schedule.format === "focus" ? await focusCsvFor(db, actor, { month: claim.period, group_by: "team" }, { onRecord }) : await reportCsvFor(db, actor, { month: claim.period, group_by: groupBy }, { onRecord });
  if (!produced.ok) return failed(claim, `the export could not be produced: ${produced.error.message}`, null, clock(), options, null);
  const folder = await mkdtemp(path.join(options.spoolDir ?? tmpdir(), "modelgate-export-"));
  const file = path.join(folder, produced.value.filename);
  const agent = new Agent({ connect: { lookup: guardedLookup(allow) } });
  try {
    const bytes = await spool(produced.value.stream, file);
    const timestamp = String(Math.floor(clock().getTime() / 1000));
    const response = await request(schedule.webhookUrl, {
      method: "POST",
      dispatcher: agent,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-length": String(bytes),
        "content-disposition": `attachment; filename="${produced.value.filename}"`,
        "user-agent": "modelgate-scheduled-exports",
        "idempotency-key": idempotencyKeyOf(claim),
        "x-modelgate-export-schedule": schedule.id,
        "x-modelgate-export-period": claim.period,
        "x-modelgate-export-format": schedule.format,
        "x-modelgate-export-rows": String(rows),
        ...produced.value.headers,
        "x-modelgate-timestamp": timestamp,
        ...(options.signingSecret ? { "x-modelgate-signature": await signFile(options.signingSecret, timestamp, file) } : {}),
      },
      body: createReadStream(file),
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
    });
    await response.body.dump();
    const at = clock();
    if (response.statusCode >= 200 && response.statusCode < 300) return { status: "delivered", responseStatus: response.statusCode, bytes, rows, at };
    return failed(claim, `the webhook answered HTTP ${response.statusCode}`, response.statusCode, at, options, { bytes, rows });
  } catch (error) {
    return failed(claim, deliveryErrorOf(error), null, clock(), options, null);
  } finally {
    void agent.destroy().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}
