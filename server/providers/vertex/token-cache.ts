/**
 * Access tokens per service account, shared by every request of the process: an explicit cache with a TTL
 * (STYLE §8). Entries are keyed by a SHA-256 of client_email + private_key_id, never by the key itself. A token
 * is reused until REFRESH_MARGIN_MS before its expiry; concurrent callers share one in-flight exchange (single
 * flight); a failed exchange is not remembered, so the next request tries again.
 */
import { createHash } from "node:crypto";
import type { GatewayError, Result } from "@/server/gateway/types";
import type { ServiceAccount } from "./credential";

/** Tokens are refreshed this long before Google's expires_in runs out (Google issues 3600 s tokens). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface IssuedToken {
  accessToken: string;
  /** Epoch ms at which Google stops accepting the token. */
  expiresAt: number;
}

interface Entry {
  token?: IssuedToken;
  inFlight?: Promise<Result<IssuedToken>>;
}

export interface TokenCache {
  get(account: ServiceAccount, exchange: () => Promise<Result<IssuedToken>>): Promise<Result<string>>;
  /** Drops the cached token if it is still `accessToken` (a 401 answered a request that carried it). */
  invalidate(account: ServiceAccount, accessToken: string): void;
  /** Drops any token whose bearer is `accessToken` (when only the token is known). */
  invalidateToken(accessToken: string): void;
  size(): number;
}

export function cacheKey(account: ServiceAccount): string {
  return createHash("sha256").update(`${account.clientEmail}\n${account.privateKeyId}`).digest("hex");
}

export function createTokenCache(now: () => number = Date.now): TokenCache {
  const entries = new Map<string, Entry>();
  const isFresh = (token: IssuedToken | undefined): token is IssuedToken => token !== undefined && token.expiresAt - REFRESH_MARGIN_MS > now();

  return {
    async get(account, exchange) {
      const key = cacheKey(account);
      const entry = entries.get(key) ?? {};
      entries.set(key, entry);
      if (isFresh(entry.token)) return { ok: true, value: entry.token.accessToken };
      entry.inFlight ??= exchange()
        .catch((): Result<IssuedToken> => ({ ok: false, error: { kind: "internal" } satisfies GatewayError }))
        .then((result) => {
          entry.inFlight = undefined;
          if (result.ok) entry.token = result.value;
          else if (!isFresh(entry.token)) entries.delete(key);
          return result;
        });
      const result = await entry.inFlight;
      return result.ok ? { ok: true, value: result.value.accessToken } : result;
    },
    invalidate(account, accessToken) {
      const entry = entries.get(cacheKey(account));
      if (entry?.token?.accessToken === accessToken) entry.token = undefined;
    },
    invalidateToken(accessToken) {
      for (const entry of entries.values()) if (entry.token?.accessToken === accessToken) entry.token = undefined;
    },
    size: () => entries.size,
  };
}
