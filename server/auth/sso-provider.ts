import type { OIDCConfig } from "next-auth/providers";
import type { Env } from "@/server/env";
import type { SsoSettings } from "./sso-sign-in";

/** next-auth's id for the provider: the IdP's redirect URI is <origin>/api/auth/callback/sso. */
export const SSO_PROVIDER_ID = "sso";

export interface OidcClaims {
  sub: string;
  iss?: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  preferred_username?: string;
}

export interface SsoConfig {
  name: string;
  issuer: string;
  settings: SsoSettings;
  provider: OIDCConfig<OidcClaims>;
}

/** The OpenID Connect provider from SSO_* (discovery, authorization code flow with PKCE and state), or null when unset. */
export function ssoConfigFrom(settings: Env): SsoConfig | null {
  if (!settings.SSO_ISSUER || !settings.SSO_CLIENT_ID || !settings.SSO_CLIENT_SECRET) return null;
  const issuer = settings.SSO_ISSUER;
  return {
    name: settings.SSO_NAME,
    issuer,
    settings: { allowedDomains: settings.SSO_ALLOWED_DOMAINS, defaultRole: settings.SSO_DEFAULT_ROLE },
    provider: {
      id: SSO_PROVIDER_ID,
      name: settings.SSO_NAME,
      type: "oidc",
      issuer,
      clientId: settings.SSO_CLIENT_ID,
      clientSecret: settings.SSO_CLIENT_SECRET,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
      profile: (claims) => ({ id: claims.sub, email: claims.email ?? null, name: claims.name ?? claims.preferred_username ?? claims.email ?? null }),
    },
  };
}
