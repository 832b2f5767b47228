import type { Database } from "@/db/client";
import { claimCostSource } from "@/db/queries/provider-costs";
import { describeError, logger } from "@/server/logger";
import { runCostImport, type ImportOutcome, type ImportOptions } from "./run-import";

/** A claim outlives the slowest import (every page's timeout) and frees the source if its replica died mid-run. */
export const CLAIM_TTL_MS = 10 * 60_000;

/** One pass of the daily job: claims due sources one by one (a conditional update, so one replica takes each) and imports them. */
export async function importDueCosts(db: Database, claimant: string, options: ImportOptions, maxSources = 20): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  for (let index = 0; index < maxSources; index++) {
    const source = await claimCostSource(db, { claimant, ttlMs: CLAIM_TTL_MS, now: options.now });
    if (!source) break;
    outcomes.push(await runCostImport(db, source, claimant, options));
  }
  return outcomes;
}

/** Every replica checks for due sources each interval; the claim makes each import happen once. */
export function startCostImporter(db: Database, claimant: string, options: ImportOptions & { intervalMs: number }): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void importDueCosts(db, claimant, options)
      .catch((error) => logger.warn("provider cost import pass failed", describeError(error)))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
