import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelGroupByName } from "@/db/queries/model-groups";
import { findModel, findModelByName, insertModel, insertPrice, listModelsWithConnections, updateModelRow } from "@/db/queries/models";
import { findConnection } from "@/db/queries/provider-connections";
import { contextSettingsSchema } from "@/server/gateway/context/context-settings";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

/** Dollars per 1M tokens: a non-negative decimal with at most six decimals, given as a string or number. */
const priceSchema = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === "number" ? String(value) : value.trim()))
  .refine((value) => /^\d{1,12}(\.\d{1,6})?$/.test(value), "must be a non-negative decimal with at most 6 decimals (dollars per 1M tokens)");

export const priceInputSchema = z.object({
  input: priceSchema,
  output: priceSchema,
  cached_input: priceSchema.nullish(),
  cache_write: priceSchema.nullish(),
  /** Anthropic's 1-hour cache writes (2x input); absent: billed at cache_write. */
  cache_write_1h: priceSchema.nullish(),
  effective_from: z.iso.datetime({ offset: true }).optional(),
});
export type PriceInput = z.infer<typeof priceInputSchema>;

export const createModelInputSchema = z.object({
  name: z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9._:/@-]+$/, "name may use letters, digits and . _ : / @ -"),
  connection_id: z.uuid(),
  upstream_model: z.string().trim().min(1).max(200),
  context_window: z.number().int().positive().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  region: z.string().trim().max(64).nullish(),
  /** Context-window management for requests to this model (README "Context-window management"); null clears it. */
  context: contextSettingsSchema.nullish(),
  enabled: z.boolean().optional(),
  price: priceInputSchema,
});
export type CreateModelInput = z.infer<typeof createModelInputSchema>;

export const updateModelInputSchema = createModelInputSchema.omit({ price: true, connection_id: true }).partial().extend({
  connection_id: z.uuid().optional(),
  /** A new price row; the old one stays for the requests it priced. */
  price: priceInputSchema.optional(),
});
export type UpdateModelInput = z.infer<typeof updateModelInputSchema>;

export type ModelView = Awaited<ReturnType<typeof listModelsWithConnections>>[number];

function priceValues(modelId: string, price: PriceInput) {
  return {
    modelId,
    inputPerMtok: price.input,
    outputPerMtok: price.output,
    cachedInputPerMtok: price.cached_input ?? null,
    cacheWritePerMtok: price.cache_write ?? null,
    cacheWrite1hPerMtok: price.cache_write_1h ?? null,
    effectiveFrom: price.effective_from ? new Date(price.effective_from) : new Date(),
  };
}

export async function listModelCatalog(db: Database, actor: Actor): Promise<ServiceResult<ModelView[]>> {
  if (!can(actor.role, "models:read")) return failure({ code: "forbidden", message: "Your role cannot view models." });
  return ok(await listModelsWithConnections(db, actor.orgId));
}

/** Context-window management's models (README "Context-window management"): a model (summarize), a model or group (fallback). */
async function checkContextModels(db: Database, actor: Actor, name: string, context: CreateModelInput["context"]): Promise<ServiceResult<void>> {
  if (context?.summarize_model && !(await findModelByName(db, actor.orgId, context.summarize_model))) return failure({ code: "invalid", message: "context.summarize_model names no model of the organization.", field: "context.summarize_model" });
  const fallback = context?.fallback_model;
  if (fallback && (fallback === name || !((await findModelByName(db, actor.orgId, fallback)) ?? (await findModelGroupByName(db, actor.orgId, fallback))))) {
    return failure({ code: "invalid", message: "context.fallback_model names no other model or group of the organization.", field: "context.fallback_model" });
  }
  return ok(undefined);
}

export async function createModel(db: Database, actor: Actor, input: CreateModelInput): Promise<ServiceResult<{ id: string }>> {
  if (!can(actor.role, "models:write")) return failure({ code: "forbidden", message: "Your role cannot add models." });
  if (!(await findConnection(db, actor.orgId, input.connection_id))) return failure({ code: "invalid", message: "No such provider connection.", field: "connection_id" });
  const contextChecked = await checkContextModels(db, actor, input.name, input.context);
  if (!contextChecked.ok) return contextChecked;
  try {
    const id = await db.transaction(async (tx) => {
      const model = await insertModel(tx, {
        orgId: actor.orgId,
        name: input.name,
        connectionId: input.connection_id,
        upstreamModel: input.upstream_model,
        contextWindow: input.context_window ?? null,
        maxOutputTokens: input.max_output_tokens ?? null,
        region: input.region ?? null,
        context: input.context ?? null,
        enabled: input.enabled ?? true,
      });
      const price = await insertPrice(tx, priceValues(model.id, input.price));
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "model.create", targetType: "model", targetId: model.id, after: { ...model, price } });
      await notifyConfigChanged(tx, "models");
      return model.id;
    });
    return ok({ id });
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A model named "${input.name}" exists already.`, field: "name" });
    throw error;
  }
}

/** A price-only patch needs prices:write (finance has it); any other field needs models:write. */
function permissionForPatch(input: UpdateModelInput): "models:write" | "prices:write" {
  const { price: _price, ...fields } = input;
  return Object.values(fields).some((value) => value !== undefined) ? "models:write" : "prices:write";
}

export async function updateModel(db: Database, actor: Actor, id: string, input: UpdateModelInput): Promise<ServiceResult<{ id: string }>> {
  const needed = permissionForPatch(input);
  if (!can(actor.role, needed)) return failure({ code: "forbidden", message: needed === "models:write" && can(actor.role, "prices:write") ? "Your role can change prices only." : "Your role cannot edit models." });
  const existing = await findModel(db, actor.orgId, id);
  if (!existing) return failure({ code: "not_found", message: "No such model." });
  if (input.connection_id && !(await findConnection(db, actor.orgId, input.connection_id))) {
    return failure({ code: "invalid", message: "No such provider connection.", field: "connection_id" });
  }
  const contextChecked = await checkContextModels(db, actor, input.name ?? existing.name, input.context);
  if (!contextChecked.ok) return contextChecked;
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.connection_id !== undefined ? { connectionId: input.connection_id } : {}),
    ...(input.upstream_model !== undefined ? { upstreamModel: input.upstream_model } : {}),
    ...(input.context_window !== undefined ? { contextWindow: input.context_window } : {}),
    ...(input.max_output_tokens !== undefined ? { maxOutputTokens: input.max_output_tokens } : {}),
    ...(input.region !== undefined ? { region: input.region } : {}),
    ...(input.context !== undefined ? { context: input.context } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
  try {
    await db.transaction(async (tx) => {
      const updated = Object.keys(patch).length > 0 ? await updateModelRow(tx, actor.orgId, id, patch) : existing;
      const price = input.price ? await insertPrice(tx, priceValues(id, input.price)) : undefined;
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: input.price ? "model.update_price" : "model.update", targetType: "model", targetId: id, before: existing, after: { ...updated, ...(price ? { price } : {}) } });
      await notifyConfigChanged(tx, "models");
    });
    return ok({ id });
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A model named "${input.name}" exists already.`, field: "name" });
    throw error;
  }
}
