import { z } from "zod";
import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { claimCostSource, findCostSource, gatewayDailyCosts, listCostImports, listCostSources, listDriftAlerts, readDriftSettings, upsertCostSource, upsertDriftSettings, type CostSourceView, type DriftAlertRow, type DriftSettings } from "@/db/queries/provider-costs";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { encryptSecret } from "@/server/crypto/secret-box";
import { computeDrift, monthDays, type ProviderDrift } from "@/server/cost-import/drift";
import { CLAIM_TTL_MS } from "@/server/cost-import/importer";
import { runCostImport, type ImportOptions, type ImportOutcome } from "@/server/cost-import/run-import";
import { env } from "@/server/env";
import { credentialHint } from "@/server/providers/credential-hint";
import { costImportProviders, costReportFormats } from "@/server/providers/cost-reports";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { monthSchema } from "./period-close";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * Providers' own cost figures (README "Provider cost import"): an admin key per provider for its cost API, the daily
 * import (and "Import now"), and drift against the gateway's cost. Read: reports:read; change: periods:close (owner,
 * admin, finance), as invoice reconciliation.
 */
const providerSchema = z.enum(costImportProviders, { message: `provider must be one of: ${costImportProviders.join(", ")}` });

export const setCostSourceInputSchema = z
  .object({
    provider: providerSchema,
    /** The provider's admin key (OpenAI admin key, Anthropic sk-ant-admin…); required the first time, never returned. */
    admin_key: z.string().trim().min(8).max(4000).optional(),
    base_url: z.url("base_url must be a URL").max(2048).optional(),
    enabled: z.boolean().optional(),
    /** Complete UTC days re-imported on each run (providers revise recent days); Anthropic answers at most 31 buckets a page. */
    lookback_days: z.number().int().min(1).max(31).optional(),
  })
  .strict();
export type SetCostSourceInput = z.infer<typeof setCostSourceInputSchema>;

export const driftSettingsInputSchema = z
  .object({
    threshold_percent: z.string().trim().regex(/^\d{1,4}(\.\d{1,2})?$/, "a percent such as 5 or 2.5"),
    webhook_url: z.url("webhook_url must be a URL").max(2048).nullish(),
  })
  .strict();
export type DriftSettingsInput = z.infer<typeof driftSettingsInputSchema>;

export const importNowInputSchema = z.object({ provider: providerSchema }).strict();

const cannotRead = failure({ code: "forbidden", message: "Your role cannot read provider cost figures." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot change provider cost imports." });

function importOptions(): ImportOptions {
  const settings = env();
  return { encryptionKey: getEncryptionKey(), allowPrivateHosts: settings.GATEWAY_ALLOW_PRIVATE_HOSTS, delivery: { signingSecret: settings.WEBHOOK_SIGNING_SECRET, allowPrivateHosts: settings.GATEWAY_ALLOW_PRIVATE_HOSTS } };
}

async function checkUrl(url: string, field: string): Promise<ServiceResult<string>> {
  const check = await checkOutboundUrl(url, parseAllowList(env().GATEWAY_ALLOW_PRIVATE_HOSTS));
  return check.ok ? ok(url.replace(/\/+$/, "")) : failure({ code: "invalid", message: `${field} ${check.reason}`, field });
}

export async function costImportOverview(db: Database, actor: Actor): Promise<ServiceResult<{ sources: CostSourceView[]; settings: DriftSettings; providers: readonly string[] }>> {
  if (!can(actor.role, "reports:read")) return cannotRead;
  const [sources, settings] = await Promise.all([listCostSources(db, actor.orgId), readDriftSettings(db, actor.orgId)]);
  return ok({ sources, settings, providers: costImportProviders });
}

/** Adds or changes a provider's cost API source (audited as provider_cost_source.set); the key is encrypted at rest. */
export async function setProviderCostSource(db: Database, actor: Actor, input: SetCostSourceInput): Promise<ServiceResult<CostSourceView>> {
  if (!can(actor.role, "periods:close")) return cannotWrite;
  const existing = await findCostSource(db, actor.orgId, input.provider);
  if (!existing && !input.admin_key) return failure({ code: "invalid", message: "admin_key is required to add a provider's cost API.", field: "admin_key" });
  const baseUrl = await checkUrl(input.base_url ?? existing?.baseUrl ?? costReportFormats[input.provider].defaultBaseUrl, "base_url");
  if (!baseUrl.ok) return baseUrl;
  const row = await db.transaction(async (tx) => {
    const saved = await upsertCostSource(tx, {
      orgId: actor.orgId,
      provider: input.provider,
      baseUrl: baseUrl.value,
      credentialCiphertext: input.admin_key ? encryptSecret(input.admin_key, getEncryptionKey()) : existing!.credentialCiphertext,
      credentialLast4: input.admin_key ? credentialHint(input.admin_key) : existing!.credentialLast4,
      enabled: input.enabled ?? existing?.enabled ?? true,
      lookbackDays: input.lookback_days ?? existing?.lookbackDays ?? 7,
    });
    const before = existing ? { provider: existing.provider, baseUrl: existing.baseUrl, credentialLast4: existing.credentialLast4, enabled: existing.enabled, lookbackDays: existing.lookbackDays } : null;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "provider_cost_source.set", targetType: "provider_cost_source", targetId: saved.id, before, after: { ...saved, keyChanged: Boolean(input.admin_key) } });
    return saved;
  });
  return ok(row);
}

/** The org's drift threshold and webhook (audited as cost_drift.settings); the webhook URL passes the SSRF rules. */
export async function setCostDriftSettings(db: Database, actor: Actor, input: DriftSettingsInput): Promise<ServiceResult<DriftSettings>> {
  if (!can(actor.role, "periods:close")) return cannotWrite;
  let webhookUrl: string | null = null;
  if (input.webhook_url) {
    const checked = await checkUrl(input.webhook_url, "webhook_url");
    if (!checked.ok) return checked;
    webhookUrl = input.webhook_url;
  }
  const before = await readDriftSettings(db, actor.orgId);
  const saved = await db.transaction(async (tx) => {
    const row = await upsertDriftSettings(tx, actor.orgId, { thresholdPercent: input.threshold_percent, webhookUrl });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "cost_drift.settings", targetType: "organization", targetId: actor.orgId, before, after: row });
    return row;
  });
  return ok(saved);
}

/** "Import now": claims the source (409 while another run holds it) and imports its last days; audited as provider_cost.import. */
export async function importProviderCostsNow(db: Database, actor: Actor, provider: string, options: Partial<ImportOptions> = {}): Promise<ServiceResult<Omit<ImportOutcome, "source"> & { source: CostSourceView | undefined }>> {
  if (!can(actor.role, "periods:close")) return cannotWrite;
  if (!(await findCostSource(db, actor.orgId, provider))) return failure({ code: "not_found", message: `No cost API is set for ${provider}.` });
  const claimant = `import-now:${crypto.randomUUID()}`;
  const source = await db.transaction((tx) => claimCostSource(tx, { claimant, ttlMs: CLAIM_TTL_MS, orgId: actor.orgId, provider }));
  if (!source) return failure({ code: "conflict", message: `An import of ${provider}'s costs is running; try again when it has finished.` });
  return ok(await runCostImport(db, source, claimant, { ...importOptions(), ...options }, { actorId: actor.id }));
}

/** Per provider: every UTC day of the month and the month itself, gateway cost against the provider's figure. */
export async function costDriftFor(db: Database, actor: Actor, month: string): Promise<ServiceResult<{ month: string; thresholdPercent: string; providers: ProviderDrift[]; alerts: DriftAlertRow[] }>> {
  if (!can(actor.role, "reports:read")) return cannotRead;
  if (!monthSchema.safeParse(month).success) return failure({ code: "invalid", message: "month must be YYYY-MM.", field: "month" });
  const { fromDay, toDay } = monthDays(month);
  const [gateway, imports, settings, sources, alerts] = await Promise.all([
    gatewayDailyCosts(db, actor.orgId, fromDay, toDay),
    listCostImports(db, actor.orgId, fromDay, toDay),
    readDriftSettings(db, actor.orgId),
    listCostSources(db, actor.orgId),
    listDriftAlerts(db, actor.orgId, new Date(Date.now() - 62 * 86_400_000)),
  ]);
  // Providers with a cost API or an imported figure: a provider nobody imports has nothing to drift from.
  const providers = computeDrift({ fromDay, toDay, gateway, imports, providers: sources.map((source) => source.provider), thresholdPercent: settings.thresholdPercent });
  return ok({ month, thresholdPercent: settings.thresholdPercent, providers, alerts: alerts.filter((alert) => alert.period.startsWith(month)) });
}
