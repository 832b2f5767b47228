import { contextSettingsSchema, type ContextSettings } from "../context/context-settings";
import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { budgets, experiments, memberships, modelGroups, organizations, orgModelPrices, providerDiscounts, teams, modelPrices, models, policyRules, policySettings, providerConnections, rateLimits, responseCacheSettings, virtualKeys } from "@/db/schema";
import { decryptSecret } from "@/server/crypto/secret-box";
import { logger } from "@/server/logger";
import { groupDefinitionSchema } from "../routing/group-schema";
import type { GroupRow } from "../routing/group-entry";
import { resolveCacheSettings } from "../cache/cache-settings";
import { PROMPT_CACHE_OFF } from "../resolve-target";
import type { ProviderId } from "../types";
import { toExperimentEntry } from "../experiments/assign-variant";
import type { ConfigSnapshot, ConnectionEntry, DiscountEntry, ModelEntry, OrgPriceEntry, PriceEntry } from "./config-source";

/**
 * Reads every active key (with its member's role), enabled model (with an enabled connection), price, rate limit,
 * budget, policy rule, residency setting, model group, running experiment, response cache default, org price and
 * provider discount in fourteen queries.
 */
export async function loadSnapshot(db: Executor, encryptionKey: Buffer, knownProviders: ReadonlySet<string>): Promise<ConfigSnapshot> {
  const [keyRows, connectionRows, modelRows, priceRows, limitRows, budgetRows, ruleRows, residencyRows, teamRows, groupRows, experimentRows, cacheRows, orgPriceRows, discountRows, orgRows] = await Promise.all([
    db
      .select({ key: virtualKeys, role: memberships.role })
      .from(virtualKeys)
      .leftJoin(memberships, and(eq(memberships.userId, virtualKeys.userId), eq(memberships.orgId, virtualKeys.orgId)))
      .where(isNull(virtualKeys.revokedAt)),
    db.select().from(providerConnections).where(eq(providerConnections.enabled, true)),
    db.select().from(models).where(eq(models.enabled, true)),
    db.select().from(modelPrices).innerJoin(models, and(eq(models.id, modelPrices.modelId), eq(models.enabled, true))),
    db.select().from(rateLimits),
    db.select({ budget: budgets, timeZone: organizations.timeZone }).from(budgets).innerJoin(organizations, eq(organizations.id, budgets.orgId)),
    db.select().from(policyRules),
    db.select().from(policySettings),
    db.select({ id: teams.id, allowedModels: teams.allowedModels, bodyLogging: teams.bodyLogging }).from(teams),
    db
      .select({ id: modelGroups.id, orgId: modelGroups.orgId, name: modelGroups.name, version: modelGroups.version, definition: modelGroups.definition })
      .from(modelGroups)
      .where(eq(modelGroups.enabled, true)),
    db
      .select({ id: experiments.id, orgId: experiments.orgId, name: experiments.name, model: experiments.model, variants: experiments.variants, scope: experiments.scope })
      .from(experiments)
      .where(eq(experiments.status, "running")),
    db.select().from(responseCacheSettings),
    db.select().from(orgModelPrices),
    db.select().from(providerDiscounts),
    db.select({ id: organizations.id, promptCacheDefault: organizations.promptCacheDefault }).from(organizations),
  ]);
  // Catalog models outside a group follow the org's prompt_cache_default (a group's own prompt_cache always wins).
  const promptCacheOff = new Set(orgRows.filter((org) => org.promptCacheDefault === "off").map((org) => org.id));
  const cacheDefaults = new Map(cacheRows.map((row) => [row.orgId, row]));
  // A team's model list caps every key of the team at request time, also keys made before the list was narrowed.
  const teamModels = new Map(teamRows.map((team) => [team.id, team.allowedModels]));
  const teamBodyLogging = new Map(teamRows.map((team) => [team.id, team.bodyLogging]));

  const connections = new Map<string, ConnectionEntry>();
  for (const row of connectionRows) {
    if (!knownProviders.has(row.kind)) continue;
    let apiKey = "";
    if (row.credentialCiphertext) {
      try {
        apiKey = decryptSecret(row.credentialCiphertext, encryptionKey);
      } catch {
        logger.error("provider credential cannot be decrypted (was GATEWAY_ENCRYPTION_KEY changed?)", { connection_id: row.id });
        continue;
      }
    }
    connections.set(row.id, {
      id: row.id,
      orgId: row.orgId,
      kind: row.kind as ProviderId,
      name: row.name,
      baseUrl: row.baseUrl.replace(/\/+$/, ""),
      apiKey,
      trusted: row.source === "env",
      region: row.region,
    });
  }

  const prices = new Map<string, PriceEntry[]>();
  for (const { model_prices: price } of priceRows) {
    const list = prices.get(price.modelId) ?? [];
    list.push({
      id: price.id,
      effectiveFrom: price.effectiveFrom.getTime(),
      inputPerMtok: price.inputPerMtok,
      outputPerMtok: price.outputPerMtok,
      cachedInputPerMtok: price.cachedInputPerMtok,
      cacheWritePerMtok: price.cacheWritePerMtok,
      cacheWrite1hPerMtok: price.cacheWrite1hPerMtok,
    });
    prices.set(price.modelId, list);
  }

  const orgPrices = new Map<string, OrgPriceEntry[]>();
  for (const row of orgPriceRows) {
    const { id, inputPerMtok, outputPerMtok, cachedInputPerMtok, cacheWritePerMtok, cacheWrite1hPerMtok } = row;
    orgPrices.set(row.modelId, [...(orgPrices.get(row.modelId) ?? []), { id, effectiveFrom: row.effectiveFrom.getTime(), inputPerMtok, outputPerMtok, cachedInputPerMtok, cacheWritePerMtok, cacheWrite1hPerMtok }]);
  }
  const discounts = new Map<string, DiscountEntry[]>();
  for (const row of discountRows) {
    const key = `${row.orgId}\n${row.provider}`;
    discounts.set(key, [...(discounts.get(key) ?? []), { id: row.id, effectiveFrom: row.effectiveFrom.getTime(), percent: row.percent }]);
  }
  const newestFirst = <T extends { effectiveFrom: number }>(entries: T[] | undefined) => (entries ?? []).sort((a, b) => b.effectiveFrom - a.effectiveFrom);

  const modelEntries: ModelEntry[] = [];
  for (const row of modelRows) {
    const connection = connections.get(row.connectionId);
    if (!connection) continue;
    modelEntries.push({
      id: row.id,
      orgId: row.orgId,
      name: row.name,
      upstreamModel: row.upstreamModel,
      contextWindow: row.contextWindow,
      maxOutputTokens: row.maxOutputTokens,
      region: row.region,
      createdAt: row.createdAt.getTime(),
      connection,
      ...(promptCacheOff.has(row.orgId) ? { promptCache: PROMPT_CACHE_OFF } : {}),
      ...readContextSettings(row.context),
      prices: newestFirst(prices.get(row.id)),
      orgPrices: newestFirst(orgPrices.get(row.id)),
      discounts: newestFirst(discounts.get(`${row.orgId}\n${connection.kind}`)),
    });
  }

  const now = Date.now();
  const keys = keyRows
    .filter(({ key: row }) => row.expiresAt === null || row.expiresAt.getTime() > now - 86_400_000)
    .map(({ key: row, role }) => ({
      id: row.id,
      orgId: row.orgId,
      teamId: row.teamId,
      name: row.name,
      prefix: row.keyPrefix,
      hash: row.keyHash,
      allowedModels: effectiveModels(row.allowedModels, row.teamId ? teamModels.get(row.teamId) : null),
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      userId: row.userId,
      role,
      metadata: row.metadata,
      region: row.region,
      bodyLogging: row.bodyLogging ?? (row.teamId ? teamBodyLogging.get(row.teamId) : undefined) ?? "none",
      cache: resolveCacheSettings(row.responseCache, cacheDefaults.get(row.orgId)),
      cacheMode: row.responseCache ?? null,
      orgCache: cacheDefaults.get(row.orgId),
    }));
  const limits = limitRows.map((row) => ({
    id: row.id,
    orgId: row.orgId,
    scope: row.scope,
    scopeId: row.scope === "org" ? null : row.scopeId,
    rpm: row.rpm,
    tpm: row.tpm,
    concurrency: row.concurrency,
    failMode: row.failMode,
  }));
  const budgetEntries = budgetRows.map(({ budget: row, timeZone }) => ({
    id: row.id,
    orgId: row.orgId,
    scope: row.scope,
    scopeId: row.scope === "org" ? null : row.scopeId,
    model: row.model,
    period: row.period,
    limitUsd: row.limitUsd,
    timeZone,
  }));
  const policyRuleEntries = ruleRows.map((row) => ({
    id: row.id,
    orgId: row.orgId,
    position: row.position,
    name: row.name,
    enabled: row.enabled,
    dryRun: row.dryRun,
    action: row.action,
    targetModel: row.targetModel,
    conditions: row.conditions,
  }));
  const policyResidency = residencyRows.map((row) => ({ orgId: row.orgId, regions: row.residencyRegions, callerRegions: row.residencyCallerRegions }));
  return { keys, models: modelEntries, rateLimits: limits, budgets: budgetEntries, policyRules: policyRuleEntries, policyResidency, groups: readGroups(groupRows), experiments: experimentRows.map(toExperimentEntry) };
}

/** The models a key may use: its own list within its team's (null: no limit at that level; both null: every model). */
export function effectiveModels(keyModels: string[] | null, teamModels: string[] | null | undefined): ReadonlySet<string> | null {
  if (!teamModels) return keyModels ? new Set(keyModels) : null;
  if (!keyModels) return new Set(teamModels);
  const team = new Set(teamModels);
  return new Set(keyModels.filter((name) => team.has(name)));
}

/** Group definitions are JSON rows: parsed once here, a row that no longer parses is left out (and logged). */
function readGroups(rows: GroupRow[]): GroupRow[] {
  return rows.flatMap((row) => {
    const parsed = groupDefinitionSchema.safeParse(row.definition);
    if (parsed.success) return [{ ...row, definition: parsed.data }];
    logger.error("model group definition does not parse; the group is not served", { group_id: row.id });
    return [];
  });
}

/** A model's context settings as stored (JSON from the DB: parsed once per snapshot; an unreadable value is ignored). */
function readContextSettings(value: unknown): { context?: ContextSettings } {
  if (value === null || value === undefined) return {};
  const parsed = contextSettingsSchema.safeParse(value);
  return parsed.success ? { context: parsed.data } : {};
}
