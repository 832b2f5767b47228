import { z } from "zod";
import type { McpServerEntry } from "../config/mcp-config-source";
import type { FetchLike } from "./guarded-fetch";

const tokenResponseSchema = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.coerce.number().positive().optional() });

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): POST grant_type=client_credentials to the server's token URL with
 * HTTP Basic client authentication (§2.3.1), through the guarded fetch. Tokens are cached per server until 30 s
 * before they expire (an explicit cache with a TTL; an unknown lifetime keeps a token 5 minutes).
 */
export function createTokenSource(fetch: FetchLike, now: () => number = Date.now) {
  const cache = new Map<string, CachedToken>();
  return {
    async accessToken(server: McpServerEntry, signal: AbortSignal): Promise<string> {
      const cacheKey = `${server.id}/${server.oauthClientId}/${server.oauthTokenUrl}/${server.oauthScope ?? ""}`;
      const cached = cache.get(cacheKey);
      if (cached && cached.expiresAt > now()) return cached.value;
      if (!server.oauthTokenUrl || !server.oauthClientId || !server.credential) throw new Error("the server's OAuth client credentials are incomplete");
      const body = new URLSearchParams({ grant_type: "client_credentials" });
      if (server.oauthScope) body.set("scope", server.oauthScope);
      const basic = Buffer.from(`${encodeURIComponent(server.oauthClientId)}:${encodeURIComponent(server.credential)}`).toString("base64");
      const response = await fetch(server.oauthTokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", authorization: `Basic ${basic}` },
        body: body.toString(),
        signal,
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
      const parsed = tokenResponseSchema.safeParse(safeJson(text));
      if (!parsed.success) throw new Error("the token endpoint's answer has no access_token");
      const lifetimeMs = (parsed.data.expires_in ?? 300) * 1000;
      cache.set(cacheKey, { value: parsed.data.access_token, expiresAt: now() + Math.max(0, lifetimeMs - 30_000) });
      return parsed.data.access_token;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
