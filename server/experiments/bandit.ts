import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { experimentMetrics, listBanditExperiments, updateExperimentIf } from "@/db/queries/experiments";
import { describeError, logger } from "@/server/logger";
import { nextSplit } from "./thompson";

/**
 * One bandit pass (README "A/B experiments", Bandit mode): every running experiment in bandit mode whose split is
 * older than `intervalMs` gets a new split by Thompson sampling over its stored outcomes. A changed split is written
 * with an event (its reason) and an audit row, and every replica's snapshot reloads. Every replica runs passes; the
 * write is conditional on the row being unchanged since it was read, and `split_at` tells the others it was done, so
 * one replica decides each interval and all of them route by the same split. Returns the changes this call made.
 */
export async function runBanditPass(db: Database, now: Date, options: { intervalMs: number; random?: () => number; draws?: number }): Promise<{ experimentId: string; weights: number[]; reason: string }[]> {
  const made: { experimentId: string; weights: number[]; reason: string }[] = [];
  for (const row of await listBanditExperiments(db)) {
    // 10 % slack: replicas' timers drift, and a pass a little early must not skip a whole interval.
    if (row.splitAt && now.getTime() - row.splitAt.getTime() < options.intervalMs * 0.9) continue;
    const { variants: metrics } = await experimentMetrics(db, row.orgId, row.id, "day");
    const split = nextSplit(row, metrics, options);
    const variants = split ? row.variants.map((variant, index) => ({ ...variant, weight: split.weights[index] })) : row.variants;
    const event = split ? { at: now.toISOString(), type: "split" as const, variant: row.variants[split.weights.indexOf(Math.max(...split.weights))].name, by: "bandit", reason: split.reason } : undefined;
    const updated = await db.transaction(async (tx) => {
      const saved = await updateExperimentIf(tx, row.orgId, row.id, row.updatedAt, { variants, splitAt: now, ...(event ? { events: [...row.events, event] } : {}) });
      if (!saved || !event) return saved;
      await writeAudit(tx, { orgId: row.orgId, actor: "system", action: "experiment.split", targetType: "experiment", targetId: row.id, before: { variants: row.variants }, after: { variants, event } });
      await notifyConfigChanged(tx, "experiments");
      return saved;
    });
    if (updated && split) {
      made.push({ experimentId: row.id, weights: split.weights, reason: split.reason });
      logger.info("experiment split moved by the bandit", { experiment_id: row.id, reason: split.reason });
    }
  }
  return made;
}

/** The bandit's timer in every gateway replica (runtime.ts), next to the guardrail evaluator. */
export function startBanditScheduler(db: Database, options: { intervalMs: number; now?: () => Date }): { stop(): void } {
  const now = options.now ?? (() => new Date());
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void runBanditPass(db, now(), { intervalMs: options.intervalMs })
      .catch((error) => logger.warn("bandit pass failed", describeError(error)))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
