import { z } from "zod";
import type { Database } from "@/db/client";
import { findRequest, listChildRequests, listRequests, overviewSeries, overviewTotals, type RequestCursor, type RequestFilters } from "@/db/queries/usage-ledger";
import { listKeyIdsOfUser } from "@/db/queries/virtual-keys";
import { findRequestBody } from "@/db/queries/request-bodies";
import { decimalToPicos, picosToDecimal, cacheHitRatio } from "@/server/gateway/pricing";
import { overviewFromRollups } from "@/db/queries/usage-rollups";
import { usageBreakdown, usageCostSeries } from "@/db/queries/usage-reports";
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
  const keyIds = await usageKeyScope(db, actor);
  const row = await findRequest(db, actor.orgId, id, { keyIds });
  if (!row) return failure({ code: "not_found", message: "No such request." });
  // What its key asked to keep of it (README "Stored request bodies"), readable by whoever may read the request.
  const [stored, children] = await Promise.all([findRequestBody(db, actor.orgId, id), listChildRequests(db, actor.orgId, id, { keyIds })]);
  // Each row's cost_usd is its own; what the request cost in all is its own plus its children's (exact picodollars).
  const totalCostUsd = picosToDecimal(children.reduce((sum, child) => sum + decimalToPicos(child.costUsd), decimalToPicos(row.costUsd)));
  // Provider prompt caching (README "Provider prompt caching"): the share of the prompt read from the cache, and what it
  // saved at the pricing the request was charged (recorded on the row; negative when writes outweighed reads).
  const promptCache = { hitRatio: cacheHitRatio(row), savedUsd: row.promptCacheSavedUsd ?? "0.000000000000" };
  return ok({ ...row, children, totalCostUsd, promptCache, storedBody: stored ? { mode: stored.mode, callerRegion: stored.callerRegion, body: stored.body, responseText: stored.responseText } : null });
}

export async function overviewFor(db: Database, actor: Actor, range: OverviewRange) {
  if (!can(actor.role, "overview:read")) return failure({ code: "forbidden", message: "Your role cannot read the overview." });
  const { ms, bucket } = overviewRanges[range];
  const to = new Date();
  const from = new Date(to.getTime() - ms);
  const keyIds = await usageKeyScope(db, actor);
  // The whole org over hours or days reads the hourly rollups (plus the ledger's partial edge hours); the last hour by
  // minute, and a developer's own keys, read the ledger (a bounded window, a few keys' rows).
  const { totals, series } =
    keyIds === undefined && bucket !== "minute"
      ? await overviewFromRollups(db, actor.orgId, { from, to, bucket })
      : { totals: await overviewTotals(db, actor.orgId, { from, to, keyIds }), series: await overviewSeries(db, actor.orgId, { from, to, bucket, keyIds }) };
  const promptCache = { hitRatio: cacheHitRatio(totals), savedUsd: totals.promptCacheSavedUsd };
  return ok({ range, bucket, from, to, totals, promptCache, series, isScopedToOwnKeys: keyIds !== undefined });
}

/** The groupings of the Overview's breakdown, each with its largest groups by cost. */
export const breakdownGroupings = ["team", "key", "owner", "model", "provider"] as const;

/**
 * Where the cost of a range goes (the Overview's breakdown): the five largest teams, keys, key owners (console users),
 * models and providers by cost,
 * with requests and errors, from the rollups (as the reports). A developer's are their own keys'.
 */
export async function overviewBreakdownFor(db: Database, actor: Actor, range: OverviewRange) {
  if (!can(actor.role, "overview:read")) return failure({ code: "forbidden", message: "Your role cannot read the overview." });
  const to = new Date();
  const from = new Date(to.getTime() - overviewRanges[range].ms);
  const keyIds = await usageKeyScope(db, actor);
  const scope = { orgId: actor.orgId, from, to, ...(keyIds ? { keyIds: [...keyIds] } : {}) };
  const entries = await Promise.all(breakdownGroupings.map(async (groupBy) => [groupBy, await usageBreakdown(db, scope, groupBy, 5)] as const));
  return ok({ range, from, to, isScopedToOwnKeys: keyIds !== undefined, groupings: Object.fromEntries(entries) as Record<(typeof breakdownGroupings)[number], Awaited<ReturnType<typeof usageBreakdown>>> });
}

/** Cost over time by team, key, model or provider (the Overview's stacked chart): the five largest and the rest. */
export async function overviewCostSeriesFor(db: Database, actor: Actor, range: OverviewRange, groupBy: (typeof breakdownGroupings)[number]) {
  if (!can(actor.role, "overview:read")) return failure({ code: "forbidden", message: "Your role cannot read the overview." });
  const to = new Date();
  const from = new Date(to.getTime() - overviewRanges[range].ms);
  const keyIds = await usageKeyScope(db, actor);
  const bucket = overviewRanges[range].bucket === "day" ? "day" : "hour";
  const series = await usageCostSeries(db, { orgId: actor.orgId, from, to, ...(keyIds ? { keyIds: [...keyIds] } : {}) }, groupBy, bucket, 5);
  return ok({ range, groupBy, bucket, from, to, ...series });
}
