import type { RouterOutputs } from "@/app/_trpc/types";

type OverviewBucket = RouterOutputs["overview"]["get"]["series"][number];

const stepMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export interface ChartPoint extends OverviewBucket {
  time: number;
  cost: number;
}

function emptyBucket(time: number): OverviewBucket {
  return { bucket: new Date(time), requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, costUsd: "0", p50Ms: null, p95Ms: null, p99Ms: null, ttftP50Ms: null, ttftP95Ms: null, ttftP99Ms: null, cacheHits: 0, cacheSavedUsd: "0", promptCacheSavedUsd: "0" };
}

/**
 * The ledger only returns buckets that had traffic; charts read better with the quiet ones as
 * zeros. Buckets are generated in UTC steps and merged with the rows by timestamp. `cost` is a
 * float for plotting only: labels and tooltips use the exact `costUsd` string.
 */
export function fillSeries(series: OverviewBucket[], from: Date, to: Date, bucket: keyof typeof stepMs): ChartPoint[] {
  const step = stepMs[bucket];
  const byTime = new Map<number, OverviewBucket>();
  for (let time = Math.floor(from.getTime() / step) * step; time <= to.getTime(); time += step) byTime.set(time, emptyBucket(time));
  for (const row of series) byTime.set(row.bucket.getTime(), row);
  return [...byTime.entries()]
    .sort(([left], [right]) => left - right)
    .map(([time, row]) => ({ ...row, time, cost: Number(row.costUsd) }));
}
