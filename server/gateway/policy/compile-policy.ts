import { RE2JS } from "re2js";
import type { KeyEntry, ModelEntry } from "../config/config-source";
import { builtInDetectors, type Detector, type Span } from "./detectors";
import { isRegionInAny, policyConditionsSchema, type PolicyAction, type PolicyConditions, type PolicyResidencyEntry, type PolicyRuleEntry } from "./rule-definition";

/** Who asks and where the request would go: what the non-content conditions read. */
export interface PolicySubject {
  key: KeyEntry;
  callerRegion: string | null;
  model: ModelEntry | undefined;
}

export interface CompiledRule {
  id: string;
  name: string;
  action: PolicyAction;
  dryRun: boolean;
  targetModel: string | null;
  /** Non-content conditions, all cheap: checked before any text is read. */
  isSubjectMatch(subject: PolicySubject): boolean;
  /** Content matchers (keywords, patterns, detectors); empty: the rule does not look at the prompt. */
  matchers: Detector[];
  /** Why the rule could not be compiled; such a rule fails to evaluate on every request (fail-closed for block and redact). */
  brokenReason?: string;
}

export interface CompiledPolicy {
  rules: CompiledRule[];
  residency: { regions: string[]; callerRegions: string[] | null } | null;
  /** Whether any rule reads the prompt (otherwise the body is never walked). */
  readsPrompt: boolean;
}

/** An RE2 pattern, or the reason it is refused (backreferences, lookarounds, bad syntax). Linear-time matching. */
export function compileRe2(regex: string, flags = 0): { ok: true; value: RE2JS } | { ok: false; reason: string } {
  try {
    return { ok: true, value: RE2JS.compile(regex, flags) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `RE2 cannot compile this pattern (${detail}); RE2 has no backreferences or lookarounds.` };
  }
}

function re2Detector(name: string, pattern: RE2JS): Detector {
  return {
    name,
    test: (text) => pattern.test(text),
    find(text) {
      const spans: Span[] = [];
      const matcher = pattern.matcher(text);
      while (matcher.find()) {
        if (matcher.end() === matcher.start()) continue;
        spans.push([matcher.start(), matcher.end()]);
      }
      return spans;
    },
  };
}

/**
 * Case-insensitive literal keywords: JavaScript lower-casing and indexOf (far cheaper than an RE2 alternation), with
 * RE2's case folding as the fallback for texts whose lower-cased form changes length (a few Unicode letters).
 */
function keywordDetector(keywords: readonly string[]): Detector {
  const lowered = keywords.map((keyword) => keyword.toLowerCase());
  const fallback = re2Detector("keyword", RE2JS.compile(`(?:${keywords.map((keyword) => RE2JS.quote(keyword)).join("|")})`, RE2JS.CASE_INSENSITIVE));
  return {
    name: "keyword",
    test(text) {
      const lower = text.toLowerCase();
      return lower.length === text.length ? lowered.some((keyword) => lower.includes(keyword)) : fallback.test(text);
    },
    find(text) {
      const lower = text.toLowerCase();
      if (lower.length !== text.length) return fallback.find(text);
      const spans: Span[] = [];
      for (const keyword of lowered) {
        for (let index = lower.indexOf(keyword); index !== -1; index = lower.indexOf(keyword, index + keyword.length)) spans.push([index, index + keyword.length]);
      }
      return spans.sort((a, b) => a[0] - b[0]);
    },
  };
}

function compileMatchers(conditions: PolicyConditions): Detector[] {
  const matchers: Detector[] = [];
  if (conditions.keywords?.length) matchers.push(keywordDetector(conditions.keywords));
  for (const pattern of conditions.patterns ?? []) {
    const compiled = compileRe2(pattern.regex);
    if (!compiled.ok) throw new Error(`pattern ${pattern.name}: ${compiled.reason}`);
    matchers.push(re2Detector(`pattern:${pattern.name}`, compiled.value));
  }
  for (const name of conditions.detectors ?? []) matchers.push(builtInDetectors[name]);
  return matchers;
}

function subjectMatcher(conditions: PolicyConditions): (subject: PolicySubject) => boolean {
  const { roles, team_ids: teamIds, key_ids: keyIds, key_metadata: metadata, caller_regions: callerRegions, providers, model_regions: modelRegions, model_regions_not: modelRegionsNot } = conditions;
  const checks: ((subject: PolicySubject) => boolean)[] = [];
  if (roles?.length) checks.push(({ key }) => typeof key.role === "string" && (roles as readonly string[]).includes(key.role));
  if (teamIds?.length) checks.push(({ key }) => key.teamId !== null && teamIds.includes(key.teamId));
  if (keyIds?.length) checks.push(({ key }) => keyIds.includes(key.id));
  if (metadata && Object.keys(metadata).length > 0) checks.push(({ key }) => Object.entries(metadata).every(([name, value]) => key.metadata?.[name] === value));
  if (callerRegions?.length) checks.push(({ callerRegion }) => isRegionInAny(callerRegion, callerRegions));
  if (providers?.length) checks.push(({ model }) => model !== undefined && providers.includes(model.connection.kind));
  if (modelRegions?.length) checks.push(({ model }) => model !== undefined && isRegionInAny(model.region, modelRegions));
  if (modelRegionsNot?.length) checks.push(({ model }) => model !== undefined && !isRegionInAny(model.region, modelRegionsNot));
  return (subject) => checks.every((check) => check(subject));
}

/** Compiles one stored rule; a rule that cannot be compiled is kept, marked broken, so it fails closed. */
export function compileRule(entry: PolicyRuleEntry): CompiledRule {
  const base = { id: entry.id, name: entry.name, action: entry.action, dryRun: entry.dryRun, targetModel: entry.targetModel };
  const parsed = policyConditionsSchema.safeParse(entry.conditions);
  if (!parsed.success) return { ...base, isSubjectMatch: () => true, matchers: [], brokenReason: `invalid conditions: ${parsed.error.issues[0]?.message ?? "unreadable"}` };
  try {
    return { ...base, isSubjectMatch: subjectMatcher(parsed.data), matchers: compileMatchers(parsed.data) };
  } catch (error) {
    return { ...base, isSubjectMatch: () => true, matchers: [], brokenReason: error instanceof Error ? error.message : String(error) };
  }
}

/** Once per configuration snapshot, per org: the enabled rules in order, and the org's residency. */
export function compilePolicy(entries: readonly PolicyRuleEntry[], residency: PolicyResidencyEntry | undefined): CompiledPolicy | undefined {
  const rules = [...entries].filter((entry) => entry.enabled).sort((a, b) => a.position - b.position).map(compileRule);
  const regions = residency?.regions?.length ? residency.regions : null;
  if (rules.length === 0 && !regions) return undefined;
  return {
    rules,
    residency: regions ? { regions, callerRegions: residency?.callerRegions?.length ? residency.callerRegions : null } : null,
    readsPrompt: rules.some((rule) => rule.matchers.length > 0 || rule.brokenReason !== undefined),
  };
}

/** Compiles every org's policy of a snapshot. */
export function indexPolicies(rules: readonly PolicyRuleEntry[], residencies: readonly PolicyResidencyEntry[]): Map<string, CompiledPolicy> {
  const byOrg = new Map<string, PolicyRuleEntry[]>();
  for (const rule of rules) byOrg.set(rule.orgId, [...(byOrg.get(rule.orgId) ?? []), rule]);
  const residencyByOrg = new Map(residencies.map((entry) => [entry.orgId, entry]));
  const policies = new Map<string, CompiledPolicy>();
  for (const orgId of new Set([...byOrg.keys(), ...residencyByOrg.keys()])) {
    const compiled = compilePolicy(byOrg.get(orgId) ?? [], residencyByOrg.get(orgId));
    if (compiled) policies.set(orgId, compiled);
  }
  return policies;
}
