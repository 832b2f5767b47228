/**
 * npm run bench:policy — what the policy engine adds to one request: CPU per request of enforcePolicy (the one call
 * every endpoint makes) on a ~1 KB chat body, for an org with no rules and for one with ten rules (keywords, RE2
 * patterns, every built-in detector, role / region / provider conditions, a redact, a reroute, a dry-run block).
 * "clean" prompts fire nothing; "violating" ones fire the redact rule (an email) so the body is rewritten.
 * Rules are compiled once, as per configuration snapshot; BENCH_ROUNDS rounds of BENCH_REQUESTS, medians printed.
 */
import { performance } from "node:perf_hooks";
import { createStaticConfigSource, type KeyEntry, type ModelEntry } from "@/server/gateway/config/config-source";
import { newRecord } from "@/server/gateway/ledger";
import { enforcePolicy, type PolicyDeps } from "@/server/gateway/policy/enforce-policy";
import type { PolicyRuleEntry } from "@/server/gateway/policy/rule-definition";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ORG = "00000000-0000-4000-8000-00000000beef";
const key: KeyEntry = { id: crypto.randomUUID(), orgId: ORG, teamId: null, name: "bench", prefix: "bench", hash: "", allowedModels: null, expiresAt: null, role: "developer", region: "eu-west-1", metadata: { env: "prod" } };
const model = (name: string, region: string): ModelEntry => ({ id: name, orgId: ORG, name, upstreamModel: name, contextWindow: null, maxOutputTokens: null, region, createdAt: 0, connection: { id: "c", orgId: ORG, kind: "openai", name: "openai", baseUrl: "http://x", apiKey: "", trusted: true, region: null }, prices: [] });

let position = 0;
const rule = (action: PolicyRuleEntry["action"], conditions: Record<string, unknown>, extra: Partial<PolicyRuleEntry> = {}): PolicyRuleEntry => ({ id: crypto.randomUUID(), orgId: ORG, position: ++position, name: `rule ${position}`, enabled: true, dryRun: false, action, targetModel: null, conditions, ...extra });
const tenRules: PolicyRuleEntry[] = [
  rule("block", { detectors: ["payment_card"] }),
  rule("block", { detectors: ["us_ssn", "iban"] }),
  rule("redact", { detectors: ["email", "phone"] }),
  rule("block", { keywords: ["project falcon", "internal only", "do not share"] }),
  rule("log", { patterns: [{ name: "ticket", regex: "TCK-[0-9]{4,6}" }, { name: "aws", regex: "AKIA[0-9A-Z]{16}" }] }),
  rule("block", { roles: ["viewer"] }),
  rule("reroute", { caller_regions: ["eu"], model_regions_not: ["eu"] }, { targetModel: "gpt-eu" }),
  rule("log", { providers: ["anthropic"] }),
  rule("block", { keywords: ["secret plan"] }, { dryRun: true }),
  rule("log", { key_metadata: { env: "staging" }, patterns: [{ name: "codename", regex: "(?i)operation [a-z]+" }] }),
];

const filler = "Summarize the quarterly report for the leadership team, focusing on revenue, churn and hiring. ".repeat(9);
const body = (extra: string) => ({ model: "gpt-eu", messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: `${filler}${extra}` }] });
const clean = body("Thanks!");
const violating = body("Send it to jane.doe@example.com please.");

function depsWith(rules: PolicyRuleEntry[]): PolicyDeps {
  return { config: createStaticConfigSource({ keys: [key], models: [model("gpt-eu", "eu-west-1"), model("gpt-us", "us-east-1")], policyRules: rules }), options: { trustedRegionHeader: undefined } };
}

const header = () => undefined;
/** CPU µs per request (user + system) over REQUESTS calls. */
function cpuPerRequest(deps: PolicyDeps, payload: unknown): number {
  const before = process.cpuUsage();
  for (let index = 0; index < REQUESTS; index++) {
    const record = newRecord(`req_${index}`, key, "/v1/chat/completions");
    const result = enforcePolicy(deps, record, payload, { header });
    if (!result.ok) throw new Error("bench prompts must be admitted");
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / REQUESTS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const scenarios = [
  ["no rules", depsWith([]), clean],
  ["10 rules, clean prompt", depsWith(tenRules), clean],
  ["10 rules, prompt redacted", depsWith(tenRules), violating],
] as const;

const started = performance.now();
for (const [, deps, payload] of scenarios) cpuPerRequest(deps, payload); // warm-up (JIT)
const figures = scenarios.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) scenarios.forEach(([, deps, payload], index) => figures[index].push(cpuPerRequest(deps, payload)));
console.log(`modelgate policy benchmark — ${new Date().toISOString()} — node ${process.version}, ${ROUNDS} rounds × ${REQUESTS} requests, ${Math.round(performance.now() - started)} ms\n`);
console.log("| ~1 KB chat body | CPU per request (median) |");
console.log("|---|---|");
scenarios.forEach(([name], index) => console.log(`| ${name} | ${median(figures[index]).toFixed(1)} µs |`));
