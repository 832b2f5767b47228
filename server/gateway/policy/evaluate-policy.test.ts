import { describe, expect, test } from "vitest";
import type { KeyEntry, ModelEntry } from "../config/config-source";
import { compilePolicy, compileRe2, type CompiledPolicy } from "./compile-policy";
import { evaluatePolicy } from "./evaluate-policy";
import { collectPromptStrings } from "./prompt-text";
import { redactPrompt } from "./redact";
import type { PolicyRuleEntry } from "./rule-definition";

const ORG = "00000000-0000-4000-8000-000000000001";
const key: KeyEntry = { id: "11111111-1111-4111-8111-111111111111", orgId: ORG, teamId: null, name: "k", prefix: "p", hash: "h", allowedModels: null, expiresAt: null, role: "developer", metadata: { env: "prod" }, region: "eu-west-1" };
const model = (name: string, region: string | null, kind: ModelEntry["connection"]["kind"] = "openai"): ModelEntry => ({
  id: name,
  orgId: ORG,
  name,
  upstreamModel: name,
  contextWindow: null,
  maxOutputTokens: null,
  region,
  createdAt: 0,
  connection: { id: "c", orgId: ORG, kind, name: kind, baseUrl: "http://x", apiKey: "", trusted: true, region: null },
  prices: [],
});
const models = { us: model("gpt-us", "us-east-1"), eu: model("gpt-eu", "eu-west-1"), claude: model("claude-eu", "eu-central-1", "anthropic") };

let position = 0;
const rule = (overrides: Partial<PolicyRuleEntry>): PolicyRuleEntry => ({ id: `r${++position}`, orgId: ORG, position, name: `rule ${position}`, enabled: true, dryRun: false, action: "log", targetModel: null, conditions: {}, ...overrides });

function run(policy: CompiledPolicy | undefined, text: string, options: { model?: ModelEntry; subjectKey?: KeyEntry; callerRegion?: string | null } = {}) {
  return evaluatePolicy(policy!, {
    subject: { key: options.subjectKey ?? key, callerRegion: options.callerRegion === undefined ? "eu-west-1" : options.callerRegion, model: options.model ?? models.us },
    promptText: () => text,
    findModel: (name) => Object.values(models).find((entry) => entry.name === name),
  });
}

const card = "4111 1111 1111 1111";

describe("actions", () => {
  test("block: refused with policy_violation naming the rule and the detector; never the matched text", () => {
    const policy = compilePolicy([rule({ id: "block-cards", name: "No cards", action: "block", conditions: { detectors: ["payment_card"] } })], undefined);
    const evaluation = run(policy, `my card is ${card}`);
    expect(evaluation.refusal).toMatchObject({ ruleId: "block-cards", code: "policy_violation" });
    expect(evaluation.refusal!.message).toContain('"No cards"');
    expect(evaluation.decision).toEqual({ outcome: "blocked", rules: [{ id: "block-cards", name: "No cards", action: "block", dryRun: false, applied: true, detectors: ["payment_card"] }] });
    expect(JSON.stringify(evaluation.decision)).not.toContain("4111");
    expect(run(policy, "no card here").decision).toEqual({ outcome: "allowed", rules: [] });
  });

  test("reroute: the first enforced reroute wins, later ones are recorded unapplied", () => {
    const policy = compilePolicy(
      [
        rule({ id: "a", action: "reroute", targetModel: "gpt-eu", conditions: { caller_regions: ["eu"], model_regions_not: ["eu"] } }),
        rule({ id: "b", action: "reroute", targetModel: "claude-eu", conditions: { caller_regions: ["eu"] } }),
      ],
      undefined,
    );
    const evaluation = run(policy, "hello");
    expect(evaluation.rerouteTo).toBe("gpt-eu");
    expect(evaluation.decision.outcome).toBe("rerouted");
    expect(evaluation.decision.rules.map((hit) => [hit.id, hit.applied])).toEqual([["a", true], ["b", false]]);
    // Already in the EU: rule a does not fire, rule b does.
    expect(run(policy, "hello", { model: models.eu }).rerouteTo).toBe("claude-eu");
    expect(run(policy, "hello", { callerRegion: "us-east-1" }).decision).toEqual({ outcome: "allowed", rules: [] });
  });

  test("redact: masks keywords, patterns and detectors in every prompt string; the ledger names detectors only", () => {
    const policy = compilePolicy([rule({ action: "redact", conditions: { keywords: ["Project Falcon"], patterns: [{ name: "ticket", regex: "TCK-[0-9]{4}" }], detectors: ["email", "payment_card"] } })], undefined);
    const body = {
      model: "gpt-us",
      messages: [
        { role: "system", content: "Never mention project falcon." },
        { role: "user", content: [{ type: "text", text: `Card ${card}, mail me at a@b.io about TCK-1234` }] },
        { role: "tool", tool_call_id: "call_TCK-9999", content: "result for a@b.io" },
      ],
    };
    const evaluation = run(policy, collectPromptStrings(body).join("\n"));
    expect(evaluation.decision.rules[0]).toMatchObject({ action: "redact", applied: true, detectors: ["keyword", "pattern:ticket", "email", "payment_card"] });
    expect(redactPrompt(body, evaluation.redactRules)).toEqual({
      model: "gpt-us",
      messages: [
        { role: "system", content: "Never mention [REDACTED:keyword]." },
        { role: "user", content: [{ type: "text", text: "Card [REDACTED:payment_card], mail me at [REDACTED:email] about [REDACTED:pattern:ticket]" }] },
        { role: "tool", tool_call_id: "call_TCK-9999", content: "result for [REDACTED:email]" },
      ],
    });
  });

  test("log only: recorded, nothing applied", () => {
    const policy = compilePolicy([rule({ id: "l", action: "log", conditions: { keywords: ["secret"] } })], undefined);
    const evaluation = run(policy, "a SECRET plan");
    expect(evaluation).toMatchObject({ decision: { outcome: "allowed", rules: [{ id: "l", action: "log", applied: true, detectors: ["keyword"] }] }, redactRules: [] });
    expect(evaluation.refusal).toBeUndefined();
  });

  test("subject conditions: role, team, key, key metadata, provider (all must hold)", () => {
    const policy = compilePolicy([rule({ id: "dev-prod", action: "block", conditions: { roles: ["developer"], key_ids: [key.id], key_metadata: { env: "prod" }, providers: ["anthropic"] } })], undefined);
    expect(run(policy, "x", { model: models.claude }).refusal?.ruleId).toBe("dev-prod");
    expect(run(policy, "x", { model: models.us }).refusal).toBeUndefined();
    expect(run(policy, "x", { model: models.claude, subjectKey: { ...key, metadata: { env: "dev" } } }).refusal).toBeUndefined();
    expect(run(policy, "x", { model: models.claude, subjectKey: { ...key, role: null } }).refusal).toBeUndefined();
  });
});

describe("dry-run", () => {
  test("a dry-run block is recorded, not applied, and later rules still run", () => {
    const policy = compilePolicy([rule({ id: "dry", action: "block", dryRun: true, conditions: { detectors: ["payment_card"] } }), rule({ id: "log", action: "log", conditions: { detectors: ["payment_card"] } })], undefined);
    const evaluation = run(policy, card);
    expect(evaluation.refusal).toBeUndefined();
    expect(evaluation.decision.rules).toEqual([
      { id: "dry", name: expect.any(String), action: "block", dryRun: true, applied: false, detectors: ["payment_card"] },
      { id: "log", name: expect.any(String), action: "log", dryRun: false, applied: true, detectors: ["payment_card"] },
    ]);
  });

  test("a dry-run redact or reroute changes nothing", () => {
    const policy = compilePolicy([rule({ action: "redact", dryRun: true, conditions: { detectors: ["email"] } }), rule({ action: "reroute", dryRun: true, targetModel: "gpt-eu" })], undefined);
    const evaluation = run(policy, "a@b.io");
    expect(evaluation).toMatchObject({ redactRules: [], rerouteTo: undefined, decision: { outcome: "allowed" } });
  });
});

describe("fail-closed", () => {
  const broken = { patterns: [{ name: "backref", regex: "(a)\\1" }] };

  test("a block or redact rule that cannot be evaluated refuses the request with a clear error", () => {
    for (const action of ["block", "redact"] as const) {
      const evaluation = run(compilePolicy([rule({ id: "bad", name: "Bad", action, conditions: broken })], undefined), "anything");
      expect(evaluation.refusal).toMatchObject({ ruleId: "bad", code: "policy_evaluation_failed" });
      expect(evaluation.refusal!.message).toMatch(/could not be evaluated.*fail closed.*RE2/);
      expect(evaluation.decision).toMatchObject({ outcome: "failed", rules: [{ id: "bad", error: "evaluation_failed", applied: true }] });
    }
  });

  const crash = (): never => {
    throw new Error("detector crashed");
  };

  test("a detector that throws fails closed too; log and dry-run rules record the error and go on", () => {
    const policy = compilePolicy([rule({ id: "log", action: "log", conditions: broken }), rule({ id: "dry", action: "block", dryRun: true, conditions: broken }), rule({ id: "block", action: "block", conditions: { detectors: ["email"] } })], undefined)!;
    const evaluation = run(policy, "no email here");
    expect(evaluation.refusal).toBeUndefined();
    expect(evaluation.decision.rules.map((hit) => [hit.id, hit.error])).toEqual([["log", "evaluation_failed"], ["dry", "evaluation_failed"]]);
    const throwing = { ...policy, rules: [{ ...policy.rules[2], matchers: [{ name: "email", find: crash, test: crash }] }] };
    expect(run(throwing, "x").refusal).toMatchObject({ ruleId: "block", code: "policy_evaluation_failed" });
  });

  test("a rule with unreadable stored conditions is broken, not ignored", () => {
    const evaluation = run(compilePolicy([rule({ action: "block", conditions: { keywords: "not a list" } })], undefined), "x");
    expect(evaluation.refusal?.code).toBe("policy_evaluation_failed");
  });
});

describe("RE2 (linear-time) admin patterns", () => {
  test("a catastrophic-backtracking pattern completes on a long input", () => {
    const policy = compilePolicy([rule({ id: "evil", action: "block", conditions: { patterns: [{ name: "evil", regex: "(a+)+$" }, { name: "evil2", regex: "(x+x+)+y" }] } })], undefined);
    const text = `${"a".repeat(100_000)}b ${"x".repeat(100_000)}`;
    expect(run(policy, text).refusal).toBeUndefined();
    expect(run(policy, `${"x".repeat(50_000)}y`).refusal?.ruleId).toBe("evil");
  });

  test("backreferences and lookarounds are refused with a clear reason", () => {
    for (const regex of ["(a)\\1", "foo(?=bar)", "(?<!x)y"]) {
      const compiled = compileRe2(regex);
      expect(compiled.ok).toBe(false);
      if (!compiled.ok) expect(compiled.reason).toMatch(/RE2 cannot compile this pattern/);
    }
  });
});

describe("residency", () => {
  const residency = { orgId: ORG, regions: ["eu"], callerRegions: null };

  test("a model outside the allowed regions is refused; an unlabelled one too; inside passes", () => {
    const policy = compilePolicy([], residency);
    expect(run(policy, "x", { model: models.us }).refusal).toMatchObject({ ruleId: "residency", code: "policy_violation" });
    expect(run(policy, "x", { model: models.us }).decision).toMatchObject({ outcome: "blocked", residency: { allowedRegions: ["eu"], modelRegion: "us-east-1" } });
    expect(run(policy, "x", { model: model("plain", null) }).refusal?.ruleId).toBe("residency");
    expect(run(policy, "x", { model: models.eu }).refusal).toBeUndefined();
  });

  test("a reroute into the region satisfies residency; residency for some callers only", () => {
    const withReroute = compilePolicy([rule({ action: "reroute", targetModel: "gpt-eu", conditions: { model_regions_not: ["eu"] } })], residency);
    expect(run(withReroute, "x", { model: models.us })).toMatchObject({ rerouteTo: "gpt-eu", decision: { outcome: "rerouted" } });
    const euCallersOnly = compilePolicy([], { ...residency, callerRegions: ["eu"] });
    expect(run(euCallersOnly, "x", { callerRegion: "us-east-1" }).refusal).toBeUndefined();
    expect(run(euCallersOnly, "x", { callerRegion: "eu-west-3" }).refusal?.ruleId).toBe("residency");
  });
});
