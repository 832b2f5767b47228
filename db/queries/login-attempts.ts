import { and, eq, lt, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { loginAttempts } from "../schema";

/** The email's count over every address. */
export const ANY_ADDRESS = "*";

export interface AttemptCount {
  ip: string;
  attempts: number;
  windowStartedAt: Date;
}

/**
 * Counts one attempt for (email, ip) and for (email, *) in one atomic upsert, restarting a
 * window that has passed. Returns both counts as they are after this attempt. Rows are locked in
 * the same order by every caller ((email, ip), then (email, *)), so concurrent attempts queue.
 */
export async function countLoginAttempt(db: Executor, email: string, ip: string, windowMs: number): Promise<AttemptCount[]> {
  const window = sql`${windowMs}::bigint * interval '1 millisecond'`;
  const rows = await executeRows<{ ip: string; attempts: number; window_started_at: string | Date }>(
    db,
    sql`insert into login_attempts as existing (email, ip, attempts, window_started_at)
        values (${email}, ${ip}, 1, now()), (${email}, ${ANY_ADDRESS}, 1, now())
        on conflict (email, ip) do update set
          attempts = case when existing.window_started_at <= now() - ${window} then 1 else existing.attempts + 1 end,
          window_started_at = case when existing.window_started_at <= now() - ${window} then now() else existing.window_started_at end
        returning ip, attempts, window_started_at`,
  );
  return rows.map((row) => ({ ip: row.ip, attempts: Number(row.attempts), windowStartedAt: new Date(row.window_started_at) }));
}

/** After a successful sign-in: the address starts afresh, and the email's count gives back this attempt. */
export async function settleSuccessfulAttempt(db: Executor, email: string, ip: string): Promise<void> {
  await db.delete(loginAttempts).where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip)));
  await db
    .update(loginAttempts)
    .set({ attempts: sql`greatest(${loginAttempts.attempts} - 1, 0)` })
    .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ANY_ADDRESS)));
}

export async function pruneLoginAttempts(db: Executor, windowMs: number): Promise<void> {
  await db.delete(loginAttempts).where(lt(loginAttempts.windowStartedAt, new Date(Date.now() - windowMs)));
}
