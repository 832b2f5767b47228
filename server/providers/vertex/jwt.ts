/**
 * The signed JWT a service account trades for an access token (OAuth 2.0 for Server to Server Applications).
 *
 * Reference: https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 * Header {"alg":"RS256","typ":"JWT","kid":private_key_id}; claims iss = client_email, sub = client_email (no
 * domain-wide delegation: the account acts as itself), scope, aud = token_uri, iat = now, exp = iat + 3600 (the
 * maximum the endpoint accepts). Signed with RSA SHA-256 over base64url(header) "." base64url(claims).
 */
import { createSign } from "node:crypto";
import type { ServiceAccount } from "./credential";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const ASSERTION_LIFETIME_SECONDS = 3600;

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** Throws only on a private key node:crypto cannot read (the caller maps that to a GatewayError without the key). */
export function signServiceAccountJwt(account: ServiceAccount, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "RS256", typ: "JWT", kid: account.privateKeyId };
  const claims = { iss: account.clientEmail, sub: account.clientEmail, scope: CLOUD_PLATFORM_SCOPE, aud: account.tokenUri, iat, exp: iat + ASSERTION_LIFETIME_SECONDS };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(account.privateKey);
  return `${unsigned}.${base64url(signature)}`;
}
