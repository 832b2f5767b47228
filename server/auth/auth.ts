import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { CLIENT_ADDRESS_HEADER } from "@/server/serve/client-address";
import { signInWithPassword } from "./password-sign-in";

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().email().max(320), password: z.string().min(1).max(1000) });

/** Thrown by authorize when the email (or email and address) is locked; the sign-in form shows when to retry. */
export class LoginThrottledError extends CredentialsSignin {
  code = "throttled";
  constructor(readonly retryAt: Date) {
    super("Too many failed sign-ins");
  }
}

/**
 * Console sign-in: email + password (argon2id), JWT sessions. Roles, deactivation and the session
 * version are read from the DB on every check (getSessionActor), never trusted from the token.
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
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
    }),
  ],
  callbacks: {
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
});
