import { z } from "zod";

/** Built-in detectors (detectors.ts). Admin-defined patterns are named `pattern:<name>` on the ledger. */
export const detectorNames = ["email", "phone", "payment_card", "iban", "us_ssn"] as const;
export type DetectorName = (typeof detectorNames)[number];
export const policyActions = ["block", "reroute", "redact", "log"] as const;
export type PolicyAction = (typeof policyActions)[number];

const region = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "a region is letters, digits, '-', '_' and '.'");
const shortList = <T extends z.ZodType>(item: T) => z.array(item).max(100).optional();

/**
 * A rule's conditions, all optional and combined with AND between groups. Content conditions (keywords, patterns,
 * detectors) form one group that holds when any of them matches the prompt. An empty object matches every request.
 */
export const policyConditionsSchema = z.strictObject({
  /** Case-insensitive literal words or phrases. */
  keywords: shortList(z.string().min(1).max(200)),
  /** Admin-written regular expressions, RE2 syntax (linear time; no backreferences or lookarounds). */
  patterns: shortList(z.strictObject({ name: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "a pattern name is letters, digits, '-', '_' and '.'"), regex: z.string().min(1).max(2000) })),
  detectors: shortList(z.enum(detectorNames)),
  /** The role of the key's member (keys without a member have no role and never match). */
  roles: shortList(z.enum(["owner", "admin", "developer", "finance", "viewer"])),
  team_ids: shortList(z.uuid()),
  key_ids: shortList(z.uuid()),
  /** Every pair must equal the key's metadata. */
  key_metadata: z.record(z.string().max(100), z.string().max(500)).optional(),
  /** The caller's region (the key's, or the trusted proxy header's) is one of these (README: region matching). */
  caller_regions: shortList(region),
  /** The target model's provider kind (openai, anthropic, ...). */
  providers: shortList(z.string().trim().min(1).max(32)),
  /** The target model's region is one of these. */
  model_regions: shortList(region),
  /** The target model's region is none of these (a model without a region label counts as outside every region). */
  model_regions_not: shortList(region),
});
export type PolicyConditions = z.infer<typeof policyConditionsSchema>;

/** One stored rule, as the snapshot holds it (conditions still unparsed JSON from the database). */
export interface PolicyRuleEntry {
  id: string;
  orgId: string;
  position: number;
  name: string;
  enabled: boolean;
  dryRun: boolean;
  action: PolicyAction;
  targetModel: string | null;
  conditions: unknown;
}

/** Org-level residency: null regions means off. */
export interface PolicyResidencyEntry {
  orgId: string;
  regions: string[] | null;
  /** Only callers in these regions are restricted; null: every caller. */
  callerRegions: string[] | null;
}

/**
 * Whether a region label falls within a region pattern: equal (case-insensitive), or the label continues the pattern
 * after a '-' ("eu" holds "eu-west-1" and "eu-central-1"; "eu-west" holds "eu-west-3"; "us" does not hold "usa").
 */
export function isRegionWithin(label: string | null | undefined, pattern: string): boolean {
  if (!label) return false;
  const [value, prefix] = [label.toLowerCase(), pattern.toLowerCase()];
  return value === prefix || value.startsWith(`${prefix}-`);
}

export function isRegionInAny(label: string | null | undefined, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => isRegionWithin(label, pattern));
}
