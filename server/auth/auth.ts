import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db/client";
import { findUserByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/server/crypto/password";
import { clearLoginFailures, isLoginThrottled, recordLoginFailure } from "./login-throttle";

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1).max(1000) });

// A valid argon2id hash of a random string: failed lookups cost the same time as wrong passwords.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$JyCRLX/eWD5TBADjXI9lsg$x7etTie4wRCtIW4TIcF5OmvNv/gzvK7+IChv7j1oPhQ";

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
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        if (isLoginThrottled(email)) return null;
        const user = await findUserByEmail(await getDb(), email);
        const valid = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
        if (!user || !valid) {
          recordLoginFailure(email);
          return null;
        }
        clearLoginFailures(email);
        // A deactivated member gets the same answer as a wrong password.
        if (user.deactivatedAt) return null;
        return { id: user.id, email: user.email, name: user.name ?? user.email, sessionVersion: user.sessionVersion };
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
