import type { Database } from "@/db/client";
import { experimentMetrics, listGuardedExperiments, type ExperimentRow, type VariantMetricsRow } from "@/db/queries/experiments";
import { describeError, logger } from "@/server/logger";
import { rollbackVariant } from "./rollback-variant";

/** Why a variant crosses its experiment's guardrails, or null (README "A/B experiments", Guardrails). */
export function crossedGuardrail(row: ExperimentRow, control: VariantMetricsRow | undefined, variant: VariantMetricsRow): string | null {
  const { max_error_rate: maxErrorRate, max_p95_latency_ratio: maxRatio, min_requests: minRequests } = row.guardrails;
  if (variant.requests < minRequests) return null;
  const errorRate = variant.errors / variant.requests;
  if (maxErrorRate !== undefined && errorRate > maxErrorRate) return `error rate ${(errorRate * 100).toFixed(1)} % over ${variant.requests} requests exceeds the guardrail of ${(maxErrorRate * 100).toFixed(1)} %`;
  if (maxRatio !== undefined && control && control.requests >= minRequests && control.latency_p95 && variant.latency_p95) {
    const ratio = variant.latency_p95 / control.latency_p95;
    if (ratio > maxRatio) return `p95 latency ${Math.round(variant.latency_p95)} ms is ${ratio.toFixed(2)}× the control's ${Math.round(control.latency_p95)} ms (guardrail ${maxRatio}×)`;
  }
  return null;
}

/**
 * One pass over every running experiment with a threshold: a variant (never the control) that crosses one is rolled
 * back. Safe in every replica at once: the rollback is a conditional update, so one replica records each decision.
 * Returns the rollbacks this call made.
 */
export async function evaluateGuardrails(db: Database, now: Date): Promise<{ experimentId: string; variant: string; reason: string }[]> {
  const made: { experimentId: string; variant: string; reason: string }[] = [];
  for (const row of await listGuardedExperiments(db)) {
    const { variants } = await experimentMetrics(db, row.orgId, row.id, "day");
    const byName = new Map(variants.map((entry) => [entry.variant, entry]));
    const control = byName.get(row.variants[0].name);
    for (const variant of row.variants.slice(1)) {
      const metrics = byName.get(variant.name);
      if (variant.weight === 0 || !metrics) continue;
      const reason = crossedGuardrail(row, control, metrics);
      if (!reason) continue;
      const updated = await rollbackVariant(db, row, variant.name, "guardrail", reason, now);
      if (updated) made.push({ experimentId: row.id, variant: variant.name, reason });
      logger.warn(updated ? "experiment variant rolled back by a guardrail" : "guardrail rollback already made by another replica", { experiment_id: row.id, variant: variant.name, reason });
      break; // the row changed: the next pass reads it again
    }
  }
  return made;
}

/** The evaluator's timer in every gateway replica (runtime.ts). */
export function startGuardrailEvaluator(db: Database, options: { intervalMs: number; now?: () => Date }): { stop(): void } {
  const now = options.now ?? (() => new Date());
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void evaluateGuardrails(db, now())
      .catch((error) => logger.warn("guardrail evaluation failed", describeError(error)))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
