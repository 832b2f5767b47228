import { z } from "zod";
import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import {
  deleteExportScheduleRow,
  findExportSchedule,
  insertExportSchedule,
  latestDeliveries,
  listExportDeliveries,
  listExportSchedules,
  requeueDelivery,
  updateExportScheduleRow,
  type ExportDeliveryRow,
  type ExportScheduleRow,
} from "@/db/queries/export-schedules";
import { reportGroupings } from "@/db/queries/usage-reports";
import { env } from "@/server/env";
import { maskWebhookUrl } from "@/server/exports/mask-url";
import { monthRange } from "@/server/reports/time-zone";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { monthSchema, parseMonth } from "./period-close";
import { can } from "./permissions";
import { orgTimeZone } from "./reports";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * Scheduled exports (README "Scheduled exports"): a monthly CSV report or FOCUS file POSTed to a webhook once the
 * month has ended in the org's time zone. Finance, owners and admins manage them (exports:write); whoever reads
 * reports reads them. Every change is audited in its transaction, with the webhook URL masked (its path and query
 * can carry a token).
 */
const webhookUrl = z.url().max(2048);
export const createExportScheduleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    format: z.enum(["csv", "focus"]),
    group_by: z.enum(reportGroupings).optional(),
    webhook_url: webhookUrl,
    enabled: z.boolean().optional(),
  })
  .refine((input) => input.format === "csv" || input.group_by === undefined, { message: "group_by applies to the csv format only.", path: ["group_by"] });
export type CreateExportScheduleInput = z.infer<typeof createExportScheduleInputSchema>;

export const updateExportScheduleInputSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  group_by: z.enum(reportGroupings).optional(),
  webhook_url: webhookUrl.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateExportScheduleInput = z.infer<typeof updateExportScheduleInputSchema>;

export const sendExportInputSchema = z.object({ period: monthSchema });

export interface ExportDeliveryView {
  id: string;
  period: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  response_status: number | null;
  bytes: number | null;
  rows: number | null;
  delivered_at: string | null;
  idempotency_key: string;
}

export interface ExportScheduleView {
  id: string;
  name: string;
  format: "csv" | "focus";
  group_by: string | null;
  /** Masked: scheme, host and port; the path and query (which can hold a token) are never shown again. */
  webhook_url: string;
  enabled: boolean;
  created_by: string;
  created_at: string;
  last_delivery: ExportDeliveryView | null;
}

const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage scheduled exports." });
const cannotRead = failure({ code: "forbidden", message: "Your role cannot read scheduled exports." });
const noSchedule = failure({ code: "not_found", message: "No such export schedule." });
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The idempotency key a receiver sees: one per schedule, month and "Send now" (retries reuse it). */
export function idempotencyKeyOf(delivery: Pick<ExportDeliveryRow, "id" | "generation">): string {
  return `mgexp_${delivery.id}_${delivery.generation}`;
}

export function deliveryView(row: ExportDeliveryRow): ExportDeliveryView {
  return {
    id: row.id,
    period: row.period,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    last_error: row.lastError,
    response_status: row.responseStatus,
    bytes: row.bytes,
    rows: row.rows,
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    idempotency_key: idempotencyKeyOf(row),
  };
}

function scheduleView(row: ExportScheduleRow, last: ExportDeliveryRow | undefined): ExportScheduleView {
  return {
    id: row.id,
    name: row.name,
    format: row.format === "focus" ? "focus" : "csv",
    group_by: row.groupBy,
    webhook_url: maskWebhookUrl(row.webhookUrl),
    enabled: row.enabled,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    last_delivery: last ? deliveryView(last) : null,
  };
}

/** What the audit log keeps of a schedule: everything but the webhook's path and query. */
function audited(row: ExportScheduleRow) {
  return { ...row, webhookUrl: maskWebhookUrl(row.webhookUrl) };
}

async function checkWebhook(url: string): Promise<ServiceResult<string>> {
  const check = await checkOutboundUrl(url, parseAllowList(env().GATEWAY_ALLOW_PRIVATE_HOSTS));
  return check.ok ? ok(url) : failure({ code: "invalid", message: `webhook_url ${check.reason}`, field: "webhook_url" });
}

async function findOwn(db: Database, actor: Actor, id: string): Promise<ExportScheduleRow | undefined> {
  return uuidPattern.test(id) ? findExportSchedule(db, actor.orgId, id) : undefined;
}

export async function listExportSchedulesFor(db: Database, actor: Actor): Promise<ServiceResult<ExportScheduleView[]>> {
  if (!can(actor.role, "reports:read")) return cannotRead;
  const [rows, latest] = await Promise.all([listExportSchedules(db, actor.orgId), latestDeliveries(db, actor.orgId)]);
  return ok(rows.map((row) => scheduleView(row, latest.get(row.id))));
}

export async function getExportSchedule(db: Database, actor: Actor, id: string): Promise<ServiceResult<ExportScheduleView & { deliveries: ExportDeliveryView[] }>> {
  if (!can(actor.role, "reports:read")) return cannotRead;
  const row = await findOwn(db, actor, id);
  if (!row) return noSchedule;
  const deliveries = await listExportDeliveries(db, row.id);
  return ok({ ...scheduleView(row, deliveries[0]), deliveries: deliveries.map(deliveryView) });
}

export async function listExportDeliveriesFor(db: Database, actor: Actor, id: string): Promise<ServiceResult<ExportDeliveryView[]>> {
  const schedule = await getExportSchedule(db, actor, id);
  return schedule.ok ? ok(schedule.value.deliveries) : schedule;
}

export async function createExportSchedule(db: Database, actor: Actor, input: CreateExportScheduleInput): Promise<ServiceResult<ExportScheduleView>> {
  if (!can(actor.role, "exports:write")) return cannotWrite;
  const webhook = await checkWebhook(input.webhook_url);
  if (!webhook.ok) return webhook;
  const row = await db.transaction(async (tx) => {
    const inserted = await insertExportSchedule(tx, {
      orgId: actor.orgId,
      name: input.name,
      format: input.format,
      groupBy: input.format === "csv" ? (input.group_by ?? "team") : null,
      webhookUrl: webhook.value,
      enabled: input.enabled ?? true,
      createdBy: actor.id,
    });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "export_schedule.create", targetType: "export_schedule", targetId: inserted.id, after: audited(inserted) });
    return inserted;
  });
  return ok(scheduleView(row, undefined));
}

export async function updateExportSchedule(db: Database, actor: Actor, id: string, input: UpdateExportScheduleInput): Promise<ServiceResult<ExportScheduleView>> {
  if (!can(actor.role, "exports:write")) return cannotWrite;
  const existing = await findOwn(db, actor, id);
  if (!existing) return noSchedule;
  if (input.group_by !== undefined && existing.format !== "csv") return failure({ code: "invalid", message: "group_by applies to the csv format only.", field: "group_by" });
  const webhook = input.webhook_url !== undefined ? await checkWebhook(input.webhook_url) : ok(existing.webhookUrl);
  if (!webhook.ok) return webhook;
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.group_by !== undefined ? { groupBy: input.group_by } : {}),
    ...(input.webhook_url !== undefined ? { webhookUrl: webhook.value } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
  const row = await db.transaction(async (tx) => {
    const updated = (await updateExportScheduleRow(tx, actor.orgId, id, patch))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "export_schedule.update", targetType: "export_schedule", targetId: id, before: audited(existing), after: audited(updated) });
    return updated;
  });
  return ok(scheduleView(row, (await listExportDeliveries(db, row.id, 1))[0]));
}

export async function deleteExportSchedule(db: Database, actor: Actor, id: string): Promise<ServiceResult<{ id: string }>> {
  if (!can(actor.role, "exports:write")) return cannotWrite;
  const existing = await findOwn(db, actor, id);
  if (!existing) return noSchedule;
  await db.transaction(async (tx) => {
    await deleteExportScheduleRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "export_schedule.delete", targetType: "export_schedule", targetId: id, before: audited(existing) });
  });
  return ok({ id });
}

/** "Send now": (re)delivers one month that has ended, at once, under a new idempotency key; attempts start over. */
export async function sendExportNow(db: Database, actor: Actor, id: string, period: string, now = new Date()): Promise<ServiceResult<ExportDeliveryView>> {
  if (!can(actor.role, "exports:write")) return cannotWrite;
  if (!monthSchema.safeParse(period).success) return failure({ code: "invalid", message: "period must be YYYY-MM.", field: "period" });
  const existing = await findOwn(db, actor, id);
  if (!existing) return noSchedule;
  if (!existing.enabled) return failure({ code: "conflict", message: "This schedule is disabled: enable it to send a month.", field: "enabled" });
  const timeZone = await orgTimeZone(db, actor.orgId);
  if (monthRange(parseMonth(period), timeZone).to.getTime() > now.getTime()) return failure({ code: "invalid", message: `${period} has not ended yet in ${timeZone}; only a finished month is exported.`, field: "period" });
  const row = await db.transaction(async (tx) => {
    const queued = await requeueDelivery(tx, id, period, now);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "export_schedule.send", targetType: "export_schedule", targetId: id, after: { period, delivery_id: queued.id, generation: queued.generation } });
    return queued;
  });
  return ok(deliveryView(row));
}
