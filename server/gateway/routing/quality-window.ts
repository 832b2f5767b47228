import type { AnswerQuality } from "./answer-quality";
import { isPoorAnswer } from "./answer-quality";

/** The last this many answers of a deployment count, and none older than QUALITY_WINDOW_MS. */
export const QUALITY_SAMPLES = 20;
export const QUALITY_WINDOW_MS = 5 * 60_000;
/** Fewer answers than this say nothing yet. */
export const QUALITY_MIN_SAMPLES = 5;
/** A deployment with at least this share of poor answers is demoted (ordered after the healthy ones). */
export const QUALITY_DEMOTE_SHARE = 0.5;

/**
 * One deployment's recent answers and whether they were poor (empty, invalid tool-call JSON, cut by `length`). Old
 * answers leave the window by count and by age, so a demoted deployment that is tried less often is judged again on
 * its next answers rather than on stale ones.
 */
export class QualityWindow {
  private samples: { at: number; quality: AnswerQuality }[] = [];
  demoted = false;

  record(at: number, quality: AnswerQuality): void {
    this.samples.push({ at, quality });
    if (this.samples.length > QUALITY_SAMPLES) this.samples.shift();
  }

  /** Counts over the window as of `now`. */
  countsAt(now: number): { answers: number; poor: number; empty: number; invalidToolArguments: number; truncated: number } {
    this.samples = this.samples.filter((sample) => now - sample.at < QUALITY_WINDOW_MS);
    const count = (test: (quality: AnswerQuality) => boolean) => this.samples.filter((sample) => test(sample.quality)).length;
    return {
      answers: this.samples.length,
      poor: count(isPoorAnswer),
      empty: count((quality) => quality.empty),
      invalidToolArguments: count((quality) => quality.invalidToolArguments),
      truncated: count((quality) => quality.truncated),
    };
  }

  /** Whether the window says demote now (enough answers, poor share at or above the threshold). */
  shouldDemote(now: number): boolean {
    const counts = this.countsAt(now);
    return counts.answers >= QUALITY_MIN_SAMPLES && counts.poor / counts.answers >= QUALITY_DEMOTE_SHARE;
  }
}

/** "6 of 10 recent answers poor: 3 empty, 2 invalid tool-call JSON, 1 cut by length". */
export function describeQuality(counts: ReturnType<QualityWindow["countsAt"]>): string {
  const parts = [
    counts.empty ? `${counts.empty} empty` : "",
    counts.invalidToolArguments ? `${counts.invalidToolArguments} invalid tool-call JSON` : "",
    counts.truncated ? `${counts.truncated} cut by length` : "",
  ].filter(Boolean);
  return `${counts.poor} of ${counts.answers} recent answers poor${parts.length ? `: ${parts.join(", ")}` : ""}`;
}
