import type { McpToolDefinition } from "@/db/schema/mcp-servers";
import { canonicalJson } from "./tool-definition";

/**
 * Tool-poisoning signs in a definition: text a model reads but a reviewer may not see (zero-width and bidi
 * controls, tag characters), instructions addressed to the model, and paths or names of credentials. A flagged
 * definition stays pending: approving it needs an explicit override (README "MCP gateway", Pinning).
 */
const checks: { flag: string; pattern: RegExp }[] = [
  { flag: "zero-width characters", pattern: /[\u200B-\u200D\u2060\uFEFF\u180E]/u },
  { flag: "bidirectional control characters", pattern: /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u },
  { flag: "invisible tag characters", pattern: /[\u{E0000}-\u{E007F}]/u },
  { flag: "hidden instructions", pattern: /<\s*(important|system|instructions?|secret|hidden)\b|ignore (all |any )?(previous|prior|above) (instructions|rules)|do not (tell|mention|inform) the user|before using this tool,? (read|call|send)/i },
  { flag: "credential paths", pattern: /~\/\.ssh|id_rsa|id_ed25519|\.aws\/credentials|\.env\b|\/etc\/passwd|\.npmrc|\.netrc|\.kube\/config|mcp\.json/i },
];

export function findSuspiciousSigns(definition: McpToolDefinition): string[] {
  const text = canonicalJson(definition);
  return checks.filter((check) => check.pattern.test(text)).map((check) => check.flag);
}
