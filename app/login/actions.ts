"use server";

import { AuthError } from "next-auth";
import { LoginThrottledError, signIn } from "@/server/auth/auth";
import { describeRetry } from "@/server/auth/login-throttle";
import { SSO_PROVIDER_ID } from "@/server/auth/sso-provider";

export interface LoginState {
  error: string | null;
  email: string;
}

/** Only same-site paths, so a crafted ?callbackUrl= can't bounce a user elsewhere. */
function safeRedirect(value: FormDataEntryValue | null): string {
  const path = typeof value === "string" ? value : "";
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") ? path : "/overview";
}

export async function signInAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  if (!email || !password) return { error: "Enter your email and password.", email };
  try {
    await signIn("credentials", { email, password, redirectTo: safeRedirect(formData.get("callbackUrl")) });
    return { error: null, email };
  } catch (error) {
    // Success arrives as a redirect "error"; it must propagate. Only auth failures become a message.
    if (error instanceof LoginThrottledError) return { error: describeRetry(error.retryAt), email };
    if (error instanceof AuthError) return { error: "Invalid email or password", email };
    throw error;
  }
}

/** Starts the OpenID Connect sign-in: a redirect to the IdP, which returns to /api/auth/callback/sso. */
export async function ssoSignInAction(formData: FormData): Promise<void> {
  await signIn(SSO_PROVIDER_ID, { redirectTo: safeRedirect(formData.get("callbackUrl")) });
}
