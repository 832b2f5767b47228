/** What the ledger keeps of a request's policy decision (usage_ledger.policy). Never the matched text. */
export interface PolicyDecisionValue {
  /** allowed | blocked | redacted | rerouted | failed (a block or redact rule could not be evaluated) */
  outcome: "allowed" | "blocked" | "redacted" | "rerouted" | "failed";
  rules: PolicyRuleHitValue[];
  /** The model the caller named, when a reroute rule changed it. */
  reroutedFrom?: string;
  reroutedTo?: string;
  /** Set when org residency refused the target model. */
  residency?: { allowedRegions: string[]; modelRegion: string | null };
}

export interface PolicyRuleHitValue {
  id: string;
  name: string;
  action: "block" | "reroute" | "redact" | "log";
  dryRun: boolean;
  /** Whether the action took effect (false for dry-run, and for a reroute after an earlier one). */
  applied: boolean;
  /** Detector names that fired: email, phone, payment_card, iban, us_ssn, keyword, pattern:<name>. */
  detectors: string[];
  /** The rule could not be evaluated (fail-closed for block and redact). */
  error?: string;
}
