/** The sign-in page's message for ?error= (next-auth's error types and the SSO refusals from server/auth/sso-sign-in.ts). */
export function describeSignInError(error: string, options: { ssoName: string; domain?: string }): string {
  switch (error) {
    case "CredentialsSignin":
      return "Invalid email or password";
    case "sso_domain_not_allowed":
      return `Accounts from ${options.domain ? `@${options.domain}` : "that email domain"} may not sign in with ${options.ssoName}. Ask an owner or admin for an invitation.`;
    case "sso_deactivated":
      return "Your account is deactivated. Ask an owner or admin to reactivate it.";
    case "sso_email_unverified":
      return `${options.ssoName} has not verified your email address, so it cannot be used to sign in.`;
    case "sso_no_email":
      return `${options.ssoName} did not share an email address (the "email" scope), so you cannot be signed in.`;
    default:
      return `Signing in with ${options.ssoName} failed. Try again; if it keeps failing, an admin can find the reason in the server log.`;
  }
}
