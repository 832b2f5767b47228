/**
 * Slows password guessing: after 5 failures for one email within 15 minutes, further attempts
 * are refused until the window passes. Per process (an explicit TTL cache); with several
 * replicas an attacker gets 5 tries per replica per window, which still bounds guessing.
 */
const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 5;
const failures = new Map<string, { count: number; firstAt: number }>();

export function isLoginThrottled(email: string, now = Date.now()): boolean {
  const entry = failures.get(email);
  if (!entry) return false;
  if (now - entry.firstAt > WINDOW_MS) {
    failures.delete(email);
    return false;
  }
  return entry.count >= MAX_FAILURES;
}

export function recordLoginFailure(email: string, now = Date.now()): void {
  const entry = failures.get(email);
  if (!entry || now - entry.firstAt > WINDOW_MS) failures.set(email, { count: 1, firstAt: now });
  else entry.count += 1;
  if (failures.size > 10_000) for (const [key, value] of failures) if (now - value.firstAt > WINDOW_MS) failures.delete(key);
}

export function clearLoginFailures(email: string): void {
  failures.delete(email);
}
