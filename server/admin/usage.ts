import { z } from "zod";
import type { Database } from "@/db/client";
import { findRequest, listRequests, overviewSeries, overviewTotals, type RequestCursor, type RequestFilters } from "@/db/queries/usage-ledger";
import { listKeyIdsOfUser } from "@/db/queries/virtual-keys";
import { findRequestBody } from "@/db/queries/request-bodies";
import { findPriceById } from "@/db/queries/models";
import { cacheHitRatio, cacheSavingsPicos, decimalToMicros, picosToDecimal } from "@/server/gateway/pricing";
import { can } from "./permissions";
import { failure, ok, type Actor } from "./service-result";

/**
 * The usage ledger as each role may see it: roles with org:read-all see every row; a developer
 * sees only the rows of their own keys (virtual_keys.user_id = them). One implementation for
 * tRPC and /api/admin/requests.
 */
export const requestFiltersSchema = z.object({
  keyId: z.uuid().optional(),
  model: z.string().max(200).optional(),
  provider: z.string().max(64).optional(),
  status: z.enum(["success", "error", "aborted"]).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});
export type RequestFilterInput = z.infer<typeof requestFiltersSchema>;

export const overviewRanges = {
  "1h": { ms: 60 * 60 * 1000, bucket: "minute" },
  "24h": { ms: 24 * 60 * 60 * 1000, bucket: "hour" },
  "7d": { ms: 7 * 24 * 60 * 60 * 1000, bucket: "hour" },
  "30d": { ms: 30 * 24 * 60 * 60 * 1000, bucket: "day" },
} as const;
export type OverviewRange = keyof typeof overviewRanges;

/** The key ids an actor's usage views are limited to, or undefined for the whole org. */
export async function usageKeyScope(db: Database, actor: Actor): Promise<readonly string[] | undefined> {
  if (can(actor.role, "org:read-all")) return undefined;
  return actor.userId ? listKeyIdsOfUser(db, actor.orgId, actor.userId) : [];
}

export async function listRequestsFor(db: Database, actor: Actor, filters: RequestFilterInput, page: { cursor?: RequestCursor; limit: number }) {
  if (!can(actor.role, "requests:read")) return failure({ code: "forbidden", message: "Your role cannot read requests." });
  const scoped: RequestFilters = { orgId: actor.orgId, ...filters, keyIds: await usageKeyScope(db, actor) };
  return ok(await listRequests(db, scoped, page));
}

export async function findRequestFor(db: Database, actor: Actor, id: string) {
  if (!can(actor.role, "requests:read")) return failure({ code: "forbidden", message: "Your role cannot read requests." });
  const row = await findRequest(db, actor.orgId, id, { keyIds: await usageKeyScope(db, actor) });
  if (!row) return failure({ code: "not_found", message: "No such request." });
  // What its key asked to keep of it (README "Stored request bodies"), readable by whoever may read the request.
  const stored = await findRequestBody(db, actor.orgId, id);
  const promptCache = await describePromptCache(db, row);
  return ok({ ...row, promptCache, storedBody: stored ? { mode: stored.mode, callerRegion: stored.callerRegion, body: stored.body, responseText: stored.responseText } : null });
}

/**
 * Provider prompt caching on one request (README "Provider prompt caching"): the share of the prompt read from the
 * cache, and what caching saved at the price the request was charged (negative when writes outweighed reads).
 */
async function describePromptCache(db: Database, row: { inputTokens: number; cachedInputTokens: number; cacheWriteTokens: number; priceId: string | null }) {
  const price = row.priceId && (row.cachedInputTokens > 0 || row.cacheWriteTokens > 0) ? await findPriceById(db, row.priceId) : undefined;
  return { hitRatio: cacheHitRatio(row), savedUsd: picosToDecimal(cacheSavingsPicos(row, price)) };
}

export async function overviewFor(db: Database, actor: Actor, range: OverviewRange) {
  if (!can(actor.role, "overview:read")) return failure({ code: "forbidden", message: "Your role cannot read the overview." });
  const { ms, bucket } = overviewRanges[range];
  const to = new Date();
  const from = new Date(to.getTime() - ms);
  const keyIds = await usageKeyScope(db, actor);
  const [withSavings, series] = await Promise.all([overviewTotals(db, actor.orgId, { from, to, keyIds }), overviewSeries(db, actor.orgId, { from, to, bucket, keyIds })]);
  const { cacheSavedMicrosPerMtok, ...totals } = withSavings;
  // tokens × $/Mtok is dollars × 1e6; its 6-decimal digits as an integer are picodollars.
  const promptCache = { hitRatio: cacheHitRatio(totals), savedUsd: picosToDecimal(decimalToMicros(cacheSavedMicrosPerMtok)) };
  return ok({ range, bucket, from, to, totals, promptCache, series, isScopedToOwnKeys: keyIds !== undefined });
}
