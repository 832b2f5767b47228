import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/app/_components/auth-card";
import { Button } from "@/app/_components/button";
import { getSessionActor } from "@/server/auth/actor";
import { ssoConfigFrom } from "@/server/auth/sso-provider";
import { env } from "@/server/env";
import { ssoSignInAction } from "./actions";
import { LoginForm } from "./login-form";
import { describeSignInError } from "./sign-in-errors";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  if (await getSessionActor()) redirect("/overview");
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : "/overview";
  const sso = ssoConfigFrom(env());
  const error = typeof params.error === "string" ? params.error : null;
  return (
    <AuthCard title="Sign in to modelgate" description={sso ? `Use ${sso.name}, or the email and password you were given.` : "Use the account created at setup or by ADMIN_EMAIL."}>
      {params.setup === "done" ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Owner account created. Sign in with it below.
        </p>
      ) : null}
      {error ? (
        <p role="alert" data-testid="sign-in-error" className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {describeSignInError(error, { ssoName: sso?.name ?? "single sign-on", domain: typeof params.domain === "string" ? params.domain.slice(0, 100) : undefined })}
        </p>
      ) : null}
      {sso ? (
        <>
          <form action={ssoSignInAction}>
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <Button type="submit" variant="primary" className="w-full">
              Sign in with {sso.name}
            </Button>
          </form>
          <div className="my-4 flex items-center gap-3 text-xs text-neutral-400" aria-hidden>
            <span className="h-px flex-1 bg-neutral-200" />
            or with email
            <span className="h-px flex-1 bg-neutral-200" />
          </div>
        </>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
