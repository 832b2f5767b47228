import { formatInteger } from "@/app/_components/format";

export interface LimitValues {
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
}

/** e.g. "60 rpm · 10,000 tpm · 4 concurrent" */
export function formatLimit(limit: LimitValues): string {
  const parts = [
    limit.rpm !== null ? `${formatInteger(limit.rpm)} rpm` : null,
    limit.tpm !== null ? `${formatInteger(limit.tpm)} tpm` : null,
    limit.concurrency !== null ? `${formatInteger(limit.concurrency)} concurrent` : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

export const scopeLabels = { org: "Organization", key: "Key", team: "Team", user: "End user", model: "Model" } as const;
export type LimitScope = keyof typeof scopeLabels;
