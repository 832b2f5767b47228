import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findOrgModel, insertDiscount, insertOrgPrice, listDiscounts, listOrgPrices, type DiscountRow, type OrgPriceRow } from "@/db/queries/org-prices";
import { providerKinds } from "@/server/providers";
import { priceInputSchema } from "./models";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * The org's own prices per model and its discounts per provider (README "Org prices and discounts"). Both are
 * effective-dated rows: a change adds a row, never edits one, so what a recorded request was charged never moves.
 * The gateway reads them from its config snapshot (reloaded through NOTIFY), never per request.
 */
export const orgPriceInputSchema = priceInputSchema
  .partial({ input: true, output: true })
  .extend({ clear: z.literal(true).optional() })
  .strict()
  .superRefine((value, context) => {
    if (value.clear) {
      for (const field of ["input", "output", "cached_input", "cache_write", "cache_write_1h"] as const) {
        if (value[field] !== undefined && value[field] !== null) context.addIssue({ code: "custom", path: [field], message: "clear ends the org price; send no prices with it" });
      }
      return;
    }
    for (const field of ["input", "output"] as const) {
      if (value[field] === undefined) context.addIssue({ code: "custom", path: [field], message: "required (or send clear: true to end the org price)" });
    }
  });
export type OrgPriceInput = z.infer<typeof orgPriceInputSchema>;

export const discountInputSchema = z
  .object({
    provider: z.enum(providerKinds as [string, ...string[]], { message: `provider must be one of: ${providerKinds.join(", ")}` }),
    /** Percent off, 0–100 with at most four decimals; 0 ends a discount. */
    percent: z
      .union([z.string(), z.number()])
      .transform((value) => (typeof value === "number" ? String(value) : value.trim()))
      .refine((value) => /^\d{1,3}(\.\d{1,4})?$/.test(value) && Number(value) <= 100, "must be a percentage from 0 to 100 with at most 4 decimals"),
    effective_from: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type DiscountInput = z.infer<typeof discountInputSchema>;

/** The row in force now of a newest-first list. */
function inForce<T extends { effectiveFrom: Date }>(rows: T[], now = Date.now()): T | null {
  return rows.find((row) => row.effectiveFrom.getTime() <= now) ?? null;
}

export async function listOrgPricesFor(db: Database, actor: Actor, modelId: string): Promise<ServiceResult<{ current: OrgPriceRow | null; history: OrgPriceRow[] }>> {
  if (!can(actor.role, "models:read")) return failure({ code: "forbidden", message: "Your role cannot view prices." });
  if (!(await findOrgModel(db, actor.orgId, modelId))) return failure({ code: "not_found", message: "No such model." });
  const history = await listOrgPrices(db, actor.orgId, modelId);
  const current = inForce(history);
  return ok({ current: current && current.inputPerMtok !== null ? current : null, history });
}

export async function setOrgPrice(db: Database, actor: Actor, modelId: string, input: OrgPriceInput): Promise<ServiceResult<OrgPriceRow>> {
  if (!can(actor.role, "prices:write")) return failure({ code: "forbidden", message: "Your role cannot change prices." });
  const model = await findOrgModel(db, actor.orgId, modelId);
  if (!model) return failure({ code: "not_found", message: "No such model." });
  const rates = input.clear
    ? { inputPerMtok: null, outputPerMtok: null, cachedInputPerMtok: null, cacheWritePerMtok: null, cacheWrite1hPerMtok: null }
    : { inputPerMtok: input.input!, outputPerMtok: input.output!, cachedInputPerMtok: input.cached_input ?? null, cacheWritePerMtok: input.cache_write ?? null, cacheWrite1hPerMtok: input.cache_write_1h ?? null };
  const row = await db.transaction(async (tx) => {
    const saved = await insertOrgPrice(tx, { orgId: actor.orgId, modelId, ...rates, effectiveFrom: input.effective_from ? new Date(input.effective_from) : new Date() });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: input.clear ? "model.clear_org_price" : "model.set_org_price", targetType: "model", targetId: modelId, after: { model: model.name, ...saved } });
    await notifyConfigChanged(tx, "models");
    return saved;
  });
  return ok(row);
}

export interface DiscountsView {
  /** Per provider with a discount row: the percent in force now ("0" when ended or not started). */
  current: { provider: string; percent: string; effectiveFrom: Date | null }[];
  history: DiscountRow[];
}

export async function listDiscountsFor(db: Database, actor: Actor): Promise<ServiceResult<DiscountsView>> {
  if (!can(actor.role, "models:read")) return failure({ code: "forbidden", message: "Your role cannot view discounts." });
  const history = await listDiscounts(db, actor.orgId);
  const providers = [...new Set(history.map((row) => row.provider))].sort();
  const current = providers.map((provider) => {
    const row = inForce(history.filter((candidate) => candidate.provider === provider));
    return { provider, percent: row?.percent ?? "0", effectiveFrom: row?.effectiveFrom ?? null };
  });
  return ok({ current, history });
}

export async function setDiscount(db: Database, actor: Actor, input: DiscountInput): Promise<ServiceResult<DiscountRow>> {
  if (!can(actor.role, "prices:write")) return failure({ code: "forbidden", message: "Your role cannot change discounts." });
  const row = await db.transaction(async (tx) => {
    const saved = await insertDiscount(tx, { orgId: actor.orgId, provider: input.provider, percent: input.percent, effectiveFrom: input.effective_from ? new Date(input.effective_from) : new Date() });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "discount.set", targetType: "provider_discount", targetId: saved.id, after: saved });
    await notifyConfigChanged(tx, "models");
    return saved;
  });
  return ok(row);
}
