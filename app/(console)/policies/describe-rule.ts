import type { PolicyConditionsValue } from "@/db/schema/policies";

export const actionLabels = { block: "Block", reroute: "Reroute", redact: "Redact", log: "Log only" } as const;
export const detectorLabels = { email: "Email", phone: "Phone", payment_card: "Payment card (Luhn)", iban: "IBAN (mod 97)", us_ssn: "US SSN" } as const;

/** One line per condition group, for the rules table. */
export function describeConditions(conditions: PolicyConditionsValue): string[] {
  const lines: string[] = [];
  const content = [
    ...(conditions.keywords?.length ? [`keywords ${conditions.keywords.map((word) => `"${word}"`).join(", ")}`] : []),
    ...(conditions.patterns?.map((pattern) => `pattern ${pattern.name} /${pattern.regex}/`) ?? []),
    ...(conditions.detectors?.map((name) => detectorLabels[name as keyof typeof detectorLabels] ?? name) ?? []),
  ];
  if (content.length) lines.push(`prompt contains ${content.join(" or ")}`);
  if (conditions.roles?.length) lines.push(`caller role ${conditions.roles.join(" or ")}`);
  if (conditions.team_ids?.length) lines.push(`team ${conditions.team_ids.join(" or ")}`);
  if (conditions.key_ids?.length) lines.push(`key ${conditions.key_ids.join(" or ")}`);
  if (conditions.key_metadata && Object.keys(conditions.key_metadata).length) lines.push(`key metadata ${Object.entries(conditions.key_metadata).map(([name, value]) => `${name}=${value}`).join(", ")}`);
  if (conditions.caller_regions?.length) lines.push(`caller in ${conditions.caller_regions.join(", ")}`);
  if (conditions.providers?.length) lines.push(`provider ${conditions.providers.join(" or ")}`);
  if (conditions.model_regions?.length) lines.push(`model in ${conditions.model_regions.join(", ")}`);
  if (conditions.model_regions_not?.length) lines.push(`model outside ${conditions.model_regions_not.join(", ")}`);
  return lines.length ? lines : ["every request"];
}

/** "a, b , c" → ["a","b","c"]; empty → undefined. */
export function splitList(value: string): string[] | undefined {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
