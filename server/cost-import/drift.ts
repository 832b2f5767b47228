import type { CostImportRow } from "@/db/queries/provider-costs";
import { percentOf } from "@/server/reports/percent-of";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";

/**
 * Drift: the provider's own figure against the gateway's computed cost (the rollups the reports read), per provider
 * and UTC day and per UTC month. Variance = provider − gateway, exact; percent of the gateway's cost (two decimals,
 * half away from zero, as invoice reconciliation). The month compares only the days that have a provider figure, so
 * a day not imported yet is not counted as drift.
 */
export interface DriftFigures {
  gatewayCostUsd: string;
  providerCostUsd: string | null;
  varianceUsd: string | null;
  variancePercent: string | null;
  /** |variance| above the threshold (a provider figure over a gateway cost of 0 always is, unless both are 0). */
  exceedsThreshold: boolean;
}

export interface ProviderDrift {
  provider: string;
  days: Array<DriftFigures & { day: string; importedAt: Date | null }>;
  month: DriftFigures & { daysCompared: number; gatewayCostAllDaysUsd: string };
}

export function signedPicos(text: string): bigint {
  return text.startsWith("-") ? -decimalToPicos(text.slice(1)) : decimalToPicos(text);
}

/** threshold as "5.00" percent → whether |variance| / |base| × 100 > threshold, in integers only. */
export function exceeds(variance: bigint, base: bigint, thresholdPercent: string): boolean {
  const absolute = (value: bigint) => (value < 0n ? -value : value);
  if (base === 0n) return variance !== 0n;
  const [whole, fraction = ""] = thresholdPercent.split(".");
  const hundredths = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0").slice(0, 2) || "0");
  return absolute(variance) * 10_000n > hundredths * absolute(base);
}

function figures(gateway: bigint, provider: bigint | null, thresholdPercent: string): DriftFigures {
  if (provider === null) return { gatewayCostUsd: picosToDecimal(gateway), providerCostUsd: null, varianceUsd: null, variancePercent: null, exceedsThreshold: false };
  const variance = provider - gateway;
  return { gatewayCostUsd: picosToDecimal(gateway), providerCostUsd: picosToDecimal(provider), varianceUsd: picosToDecimal(variance), variancePercent: percentOf(variance, gateway), exceedsThreshold: exceeds(variance, gateway, thresholdPercent) };
}

/** Every day of [fromDay, toDay) for every provider that has a figure or a gateway cost in it. */
export function computeDrift(input: { fromDay: string; toDay: string; gateway: { provider: string; day: string; costUsd: string }[]; imports: CostImportRow[]; providers: string[]; thresholdPercent: string }): ProviderDrift[] {
  const providers = new Set([...input.providers, ...input.imports.map((row) => row.provider)]);
  const gatewayBy = new Map(input.gateway.map((row) => [`${row.provider}|${row.day}`, signedPicos(row.costUsd)]));
  const importBy = new Map(input.imports.map((row) => [`${row.provider}|${row.day}`, row]));
  const days: string[] = [];
  for (let day = new Date(`${input.fromDay}T00:00:00Z`); day.toISOString().slice(0, 10) < input.toDay; day = new Date(day.getTime() + 86_400_000)) days.push(day.toISOString().slice(0, 10));
  return [...providers].sort().map((provider) => {
    let gatewayCompared = 0n;
    let gatewayAll = 0n;
    let providerSum = 0n;
    let compared = 0;
    const lines = days.map((day) => {
      const gateway = gatewayBy.get(`${provider}|${day}`) ?? 0n;
      const imported = importBy.get(`${provider}|${day}`);
      gatewayAll += gateway;
      if (imported) {
        compared++;
        gatewayCompared += gateway;
        providerSum += signedPicos(imported.amountUsd);
      }
      return { day, importedAt: imported?.importedAt ?? null, ...figures(gateway, imported ? signedPicos(imported.amountUsd) : null, input.thresholdPercent) };
    });
    return { provider, days: lines, month: { ...figures(gatewayCompared, compared > 0 ? providerSum : null, input.thresholdPercent), daysCompared: compared, gatewayCostAllDaysUsd: picosToDecimal(gatewayAll) } };
  });
}

/** [first day of the UTC month, first day of the next) as YYYY-MM-DD. */
export function monthDays(month: string): { fromDay: string; toDay: string } {
  const [year, monthNumber] = month.split("-").map(Number);
  const next = new Date(Date.UTC(year, monthNumber, 1)).toISOString().slice(0, 10);
  return { fromDay: `${month}-01`, toDay: next };
}
