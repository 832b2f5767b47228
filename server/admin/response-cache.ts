import { z } from "zod";
import { notifyConfigChanged, type Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelByName } from "@/db/queries/models";
import { findCacheSettings, upsertCacheSettings, type ResponseCacheSettingsRow } from "@/db/queries/response-cache";
import { DEFAULT_CACHE_TTL_SECONDS, MAX_CACHE_TTL_SECONDS } from "@/server/gateway/cache/cache-settings";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/** PUT /api/admin/cache and the console form: the org's default (README "Response cache"). */
export const cacheSettingsInputSchema = z.object({
  /** off | org (the org's keys share entries) | key (each key its own). */
  mode: z.enum(["off", "org", "key"]),
  ttl_seconds: z.number().int().min(1).max(MAX_CACHE_TTL_SECONDS).optional(),
  /** The opt-in semantic cache: an embeddings model of the org and the cosine similarity that counts as the same question; null: off. */
  semantic: z.object({ model: z.string().trim().min(1).max(256), threshold: z.number().min(0.5).max(1) }).nullish(),
});
export type CacheSettingsInput = z.infer<typeof cacheSettingsInputSchema>;

export interface CacheSettingsView {
  mode: "off" | "org" | "key";
  ttl_seconds: number;
  semantic: { model: string; threshold: number } | null;
}

function view(row: ResponseCacheSettingsRow | undefined): CacheSettingsView {
  const semantic = row?.semanticModel && row.semanticThreshold ? { model: row.semanticModel, threshold: Number(row.semanticThreshold) } : null;
  return { mode: row?.mode ?? "off", ttl_seconds: row?.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS, semantic };
}

/** Every member reads it (the console shows whether answers may be cached). */
export async function getCacheSettings(db: Database, actor: Actor): Promise<ServiceResult<CacheSettingsView>> {
  if (!can(actor.role, "overview:read")) return failure({ code: "forbidden", message: "Your role cannot view the response cache settings." });
  return ok(view(await findCacheSettings(db, actor.orgId)));
}

/** Sets the org's default (audited); every replica's snapshot takes it through NOTIFY. */
export async function setCacheSettings(db: Database, actor: Actor, input: CacheSettingsInput): Promise<ServiceResult<CacheSettingsView>> {
  if (!can(actor.role, "org-settings:write")) return failure({ code: "forbidden", message: "Your role cannot change the response cache settings." });
  if (input.semantic && !(await findModelByName(db, actor.orgId, input.semantic.model))) return failure({ code: "invalid", message: `Unknown model: ${input.semantic.model}`, field: "semantic.model" });
  const saved = await db.transaction(async (tx) => {
    const before = await findCacheSettings(tx, actor.orgId);
    const semantic = input.semantic === undefined ? { semanticModel: before?.semanticModel ?? null, semanticThreshold: before?.semanticThreshold ?? null } : { semanticModel: input.semantic?.model ?? null, semanticThreshold: input.semantic ? input.semantic.threshold.toFixed(3) : null };
    const row = await upsertCacheSettings(tx, { orgId: actor.orgId, mode: input.mode, ttlSeconds: input.ttl_seconds ?? before?.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS, ...semantic });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "response_cache.update", targetType: "response_cache_settings", targetId: actor.orgId, before: before ? view(before) : null, after: view(row) });
    await notifyConfigChanged(tx, "response_cache");
    return row;
  });
  return ok(view(saved));
}
