import type { GatewayRequest } from "../contract";

/** What one request lets the cache do (README "Response cache", per-request bypass). */
export interface CacheDirective {
  lookup: boolean;
  store: boolean;
}

const DEFAULT: CacheDirective = { lookup: true, store: true };
const NEITHER: CacheDirective = { lookup: false, store: false };
const REFRESH: CacheDirective = { lookup: false, store: true };

/**
 * `Cache-Control: no-store` or `x-modelgate-cache: bypass`: neither read nor write the cache.
 * `Cache-Control: no-cache` or `x-modelgate-cache: refresh`: skip the lookup, store the fresh answer.
 */
export function readCacheDirective(request: Pick<GatewayRequest, "header">): CacheDirective {
  const own = request.header("x-modelgate-cache")?.trim().toLowerCase();
  if (own === "bypass") return NEITHER;
  const control = request.header("cache-control");
  let directive = own === "refresh" ? REFRESH : DEFAULT;
  if (control) {
    for (const part of control.split(",")) {
      const token = part.trim().toLowerCase();
      if (token === "no-store") return NEITHER;
      if (token === "no-cache") directive = REFRESH;
    }
  }
  return directive;
}

export function isDefault(directive: CacheDirective): boolean {
  return directive.lookup && directive.store;
}
