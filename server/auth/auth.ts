import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { env } from "@/server/env";
import { CLIENT_ADDRESS_HEADER } from "@/server/serve/client-address";
import { signInWithPassword } from "./password-sign-in";
import { SSO_PROVIDER_ID, ssoConfigFrom, type OidcClaims } from "./sso-provider";
import { signInWithSso } from "./sso-sign-in";

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().email().max(320), password: z.string().min(1).max(1000) });

/** Thrown by authorize when the email (or email and address) is locked; the sign-in form shows when to retry. */
export class LoginThrottledError extends CredentialsSignin {
  code = "throttled";
  constructor(readonly retryAt: Date) {
    super("Too many failed sign-ins");
  }
}

const passwordProvider = Credentials({
  credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
  async authorize(raw, request) {
    const parsed = credentialsSchema.safeParse(raw);
    if (!parsed.success) return null;
    const ip = request.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
    const result = await signInWithPassword(await getDb(), { ...parsed.data, ip });
    if (result.ok) return result.user;
    if (result.reason === "throttled") throw new LoginThrottledError(result.retryAt);
    return null;
  },
});

/**
 * Console sign-in: email + password (argon2id) and, when SSO_* is set, OpenID Connect; JWT
 * sessions. Roles, deactivation and the session version are read from the DB on every check
 * (getSessionActor), never trusted from the token. Built per request, so the SSO settings are
 * the running process's environment, never the build's.
 */
function authConfig(): NextAuthConfig {
  const sso = ssoConfigFrom(env());
  return {
    trustHost: true,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    // Refusals and IdP failures come back to the sign-in page, which explains them.
    pages: { signIn: "/login", error: "/login" },
    providers: sso ? [passwordProvider, sso.provider] : [passwordProvider],
    callbacks: {
      /** An SSO sign-in becomes a member (found, linked or provisioned), or a redirect to /login naming why not. */
      async signIn({ user, account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID || !sso) return true;
        const claims = (profile ?? {}) as Partial<OidcClaims>;
        const result = await signInWithSso(
          await getDb(),
          { issuer: typeof claims.iss === "string" ? claims.iss : sso.issuer, subject: account.providerAccountId, email: claims.email, emailVerified: claims.email_verified, name: claims.name ?? claims.preferred_username },
          sso.settings,
        );
        if (!result.ok) return `/login?${new URLSearchParams({ error: `sso_${result.reason}`, ...(result.domain ? { domain: result.domain } : {}) })}`;
        // The token is built from this object next: it must carry the member, not the IdP's subject.
        Object.assign(user, { id: result.user.id, email: result.user.email, name: result.user.name, sessionVersion: result.user.sessionVersion });
        return true;
      },
      jwt({ token, user }) {
        if (user?.id) {
          token.userId = user.id;
          // Compared with users.session_version on every request (server/auth/session-actor.ts).
          token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        if (typeof token.userId === "string") session.user.id = token.userId;
        return { ...session, sessionVersion: typeof token.sessionVersion === "number" ? token.sessionVersion : 0 };
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => authConfig());
