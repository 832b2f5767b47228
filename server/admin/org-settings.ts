import { z } from "zod";
import { notifyConfigChanged, type Database } from "@/db/client";
import { listBudgetRows, markBudgetsForRecount, seedCounter } from "@/db/queries/budgets";
import { periodStart } from "@/server/gateway/budget/periods";
import { writeAudit } from "@/db/queries/audit";
import { findOrganization, updateOrgPromptCacheDefault, updateOrgTimeZone } from "@/db/queries/organizations";
import { isTimeZone } from "@/server/reports/time-zone";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * Org-wide settings: the IANA time zone report periods and month boundaries use (README "Reports"), and the provider
 * prompt caching of catalog models outside a group (README "Provider prompt caching"). Either may be sent alone.
 */
export const orgSettingsInputSchema = z
  .object({
    time_zone: z.string().trim().min(1).max(64).refine(isTimeZone, "an IANA time zone such as Europe/Paris or UTC").optional(),
    prompt_cache_default: z.enum(["auto", "off"]).optional(),
  })
  .strict()
  .refine((value) => value.time_zone !== undefined || value.prompt_cache_default !== undefined, "send time_zone or prompt_cache_default");
export type OrgSettingsInput = z.infer<typeof orgSettingsInputSchema>;

export interface OrgSettings {
  name: string;
  timeZone: string;
  promptCacheDefault: "auto" | "off";
}

const view = (org: { name: string; timeZone: string; promptCacheDefault: "auto" | "off" }): OrgSettings => ({ name: org.name, timeZone: org.timeZone, promptCacheDefault: org.promptCacheDefault });

export async function getOrgSettings(db: Database, actor: Actor): Promise<ServiceResult<OrgSettings>> {
  const org = await findOrganization(db, actor.orgId);
  if (!org) return failure({ code: "not_found", message: "No such organization." });
  return ok(view(org));
}

/** Changes the time zone and/or the prompt-cache default (each audited); every replica's snapshot takes them through NOTIFY. */
export async function updateOrgSettings(db: Database, actor: Actor, input: OrgSettingsInput): Promise<ServiceResult<OrgSettings>> {
  if (!can(actor.role, "org-settings:write")) return failure({ code: "forbidden", message: "Your role cannot change organization settings." });
  const existing = await findOrganization(db, actor.orgId);
  if (!existing) return failure({ code: "not_found", message: "No such organization." });
  let current = existing;
  if (input.prompt_cache_default !== undefined && input.prompt_cache_default !== existing.promptCacheDefault) {
    const promptCacheDefault = input.prompt_cache_default;
    current = await db.transaction(async (tx) => {
      const row = await updateOrgPromptCacheDefault(tx, actor.orgId, promptCacheDefault);
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "org.update", targetType: "organization", targetId: actor.orgId, before: { promptCacheDefault: existing.promptCacheDefault }, after: { promptCacheDefault: row.promptCacheDefault } });
      await notifyConfigChanged(tx, "models");
      return row;
    });
  }
  if (input.time_zone === undefined || input.time_zone === current.timeZone) return ok(view(current));
  return updateTimeZone(db, actor, current, input.time_zone);
}

/** Changes the time zone (audited); a closed period keeps the boundaries it was closed with; budget periods follow. */
async function updateTimeZone(db: Database, actor: Actor, existing: { timeZone: string }, timeZone: string): Promise<ServiceResult<OrgSettings>> {
  const updated = await db.transaction(async (tx) => {
    const row = await updateOrgTimeZone(tx, actor.orgId, timeZone);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "org.update", targetType: "organization", targetId: actor.orgId, before: { timeZone: existing.timeZone }, after: { timeZone: row.timeZone } });
    // Budget periods follow the zone: each budget's current period in the new zone starts at what the ledger holds
    // for it (a counter that exists already is kept), and every replica's snapshot takes the zone.
    const now = new Date();
    for (const budget of await listBudgetRows(tx, actor.orgId)) await seedCounter(tx, budget, periodStart(budget.period, now, row.timeZone));
    // Until every replica has the zone, some charge the old period's counter: the sweeper recounts the new ones.
    await markBudgetsForRecount(tx, actor.orgId, now);
    await notifyConfigChanged(tx, "budgets");
    return row;
  });
  return ok(view(updated));
}
