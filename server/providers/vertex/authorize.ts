/**
 * The Vertex adapter's async step: puts `Authorization: Bearer <access token>` on a built request.
 *
 * A stored access token (e.g. `ya29.…`) is used as is. A service-account key is traded for a token with the JWT
 * bearer grant (RFC 7523) at its token_uri, through the gateway's upstream client:
 *   POST {token_uri}  content-type application/x-www-form-urlencoded
 *   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion={signed JWT}
 *   → 200 {"access_token","expires_in","token_type":"Bearer"} | 400 {"error":"invalid_grant","error_description":"…"}
 * Reference: https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * Tokens are cached per service account (./token-cache.ts). Failures become `upstream` errors with status 401 (the
 * gateway's credential, not the caller's, is at fault) or 502 (token endpoint down); messages carry Google's
 * error_description, never the key, the assertion or a token.
 */
import { z } from "zod";
import { sanitizeUpstreamMessage } from "@/server/gateway/errors";
import type { GatewayError, Result, Target, UpstreamAuthContext, UpstreamRequest } from "@/server/gateway/types";
import { parseVertexCredential, type ServiceAccount } from "./credential";
import { signServiceAccountJwt } from "./jwt";
import { createTokenCache, type IssuedToken, type TokenCache } from "./token-cache";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

const tokenResponseSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().optional() });
const tokenErrorSchema = z.looseObject({ error: z.string().optional(), error_description: z.string().optional() });

const exchangeFailed = (status: number, detail: string): GatewayError => ({
  kind: "upstream",
  provider: "vertex",
  status,
  message: `service account token exchange failed: ${sanitizeUpstreamMessage(detail)}`,
});

function readTokenError(status: number, text: string): GatewayError {
  let parsed: z.infer<typeof tokenErrorSchema> | undefined;
  try {
    const result = tokenErrorSchema.safeParse(JSON.parse(text));
    parsed = result.success ? result.data : undefined;
  } catch {
    parsed = undefined;
  }
  const detail = parsed?.error_description || parsed?.error || `the token endpoint answered HTTP ${status}`;
  return exchangeFailed(status >= 500 || status === 429 ? (status === 429 ? 429 : 502) : 401, detail);
}

/** One JWT-bearer exchange. Never throws. */
export async function exchangeServiceAccountToken(account: ServiceAccount, context: UpstreamAuthContext, now: () => number = Date.now): Promise<Result<IssuedToken>> {
  let assertion: string;
  try {
    assertion = signServiceAccountJwt(account, now());
  } catch {
    return { ok: false, error: exchangeFailed(401, "the service account's private_key cannot be read") };
  }
  const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
  const request: UpstreamRequest = { url: account.tokenUri, headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body, warnings: [] };
  const sent = await context.send(request, context.signal);
  if (!sent.ok) return sent;
  const text = await sent.value.text().catch(() => "");
  if (sent.value.status < 200 || sent.value.status >= 300) return { ok: false, error: readTokenError(sent.value.status, text) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const token = tokenResponseSchema.safeParse(json);
  if (!token.success) return { ok: false, error: exchangeFailed(502, "the token endpoint's answer has no access_token") };
  return { ok: true, value: { accessToken: token.data.access_token, expiresAt: now() + (token.data.expires_in ?? 3600) * 1000 } };
}

function withBearer(request: UpstreamRequest, token: string): UpstreamRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}

function bearerOf(request: UpstreamRequest): string | undefined {
  return request.headers.authorization?.replace(/^Bearer /, "");
}

/** authorize/onUnauthorized over one token cache (the process-wide one in production; a fresh one per test). */
export function createVertexAuthorizer(cache: TokenCache = createTokenCache(), now: () => number = Date.now) {
  return {
    async authorize(request: UpstreamRequest, target: Target, context: UpstreamAuthContext): Promise<Result<UpstreamRequest>> {
      const credential = parseVertexCredential(target.apiKey);
      switch (credential.kind) {
        case "none":
          return { ok: false, error: { kind: "upstream", provider: "vertex", status: 401, message: "the connection has no service account key or access token" } };
        case "invalid":
          return { ok: false, error: { kind: "upstream", provider: "vertex", status: 401, message: `the stored credential is not usable: ${credential.reason}` } };
        case "access_token":
          return { ok: true, value: withBearer(request, credential.token) };
        case "service_account": {
          const token = await cache.get(credential.account, () => exchangeServiceAccountToken(credential.account, context, now));
          return token.ok ? { ok: true, value: withBearer(request, token.value) } : token;
        }
      }
    },
    /** True for a service account: its token was dropped (here or by a concurrent request), so one more try gets a fresh one. */
    onUnauthorized(request: UpstreamRequest, target: Target): boolean {
      const credential = parseVertexCredential(target.apiKey);
      const token = bearerOf(request);
      if (credential.kind !== "service_account" || !token) return false;
      cache.invalidate(credential.account, token);
      return true;
    },
  };
}

/** The process-wide authorizer: one token cache for every Vertex connection (chat, embeddings, probes). */
export const vertexAuthorizer = createVertexAuthorizer();
