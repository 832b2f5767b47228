import { hashToken, hashesEqual, tokenPrefix } from "@/server/crypto/tokens";
import type { ConfigSource, KeyEntry } from "./config/config-source";
import type { GatewayRequest } from "./contract";
import type { Result } from "./types";

/** Reads the virtual key from `Authorization: Bearer` (and `x-api-key` where allowed) and checks it against the snapshot. */
export function authenticate(request: GatewayRequest, config: ConfigSource, options: { allowXApiKey?: boolean } = {}, now = Date.now()): Result<KeyEntry> {
  const authorization = request.header("authorization");
  let token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token && options.allowXApiKey) token = request.header("x-api-key")?.trim();
  if (!token) {
    return { ok: false, error: { kind: "unauthorized", message: "You didn't provide an API key. Pass your virtual key as 'Authorization: Bearer vk_...'." } };
  }
  if (!token.startsWith("vk_")) return { ok: false, error: { kind: "unauthorized" } };
  const entry = config.findKey(tokenPrefix(token));
  if (!entry || !hashesEqual(entry.hash, hashToken(token))) return { ok: false, error: { kind: "unauthorized" } };
  if (entry.expiresAt !== null && entry.expiresAt <= now) {
    return { ok: false, error: { kind: "unauthorized", message: "This virtual key has expired." } };
  }
  return { ok: true, value: entry };
}
