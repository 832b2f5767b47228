import type { Executor } from "@/db/client";
import { ANY_ADDRESS, countLoginAttempt, pruneLoginAttempts, settleSuccessfulAttempt } from "@/db/queries/login-attempts";

/**
 * Slows password guessing, for every replica at once: the counts live in PostgreSQL
 * (login_attempts). Each attempt is counted before its password is checked (one atomic upsert),
 * so however many replicas race, at most PER_ADDRESS passwords are tried per email and address,
 * and PER_EMAIL per email over all addresses, in a WINDOW_MS window. A successful sign-in clears
 * its address's count.
 */
export const WINDOW_MS = 15 * 60 * 1000;
export const PER_ADDRESS = 5;
export const PER_EMAIL = 20;

export type AttemptDecision = { allowed: true } | { allowed: false; retryAt: Date };

export async function registerLoginAttempt(db: Executor, email: string, ip: string): Promise<AttemptDecision> {
  const counts = await countLoginAttempt(db, email, ip, WINDOW_MS);
  // Now and then, forget windows that have passed (any replica may do it).
  if (Math.random() < 0.01) await pruneLoginAttempts(db, WINDOW_MS);
  const over = counts.filter((count) => count.attempts > (count.ip === ANY_ADDRESS ? PER_EMAIL : PER_ADDRESS));
  if (over.length === 0) return { allowed: true };
  const retryAt = Math.max(...over.map((count) => count.windowStartedAt.getTime() + WINDOW_MS));
  return { allowed: false, retryAt: new Date(retryAt) };
}

export async function clearLoginAttempts(db: Executor, email: string, ip: string): Promise<void> {
  await settleSuccessfulAttempt(db, email, ip);
}

/** "Try again in 14 minutes." for the sign-in form. */
export function describeRetry(retryAt: Date, now = Date.now()): string {
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now) / 60_000));
  return `Too many failed sign-ins for this email. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
