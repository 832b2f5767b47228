import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/app/_components/auth-card";
import { getSessionActor } from "@/server/auth/actor";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  if (await getSessionActor()) redirect("/overview");
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : "/overview";
  return (
    <AuthCard title="Sign in to modelgate" description="Use the account created at setup or by ADMIN_EMAIL.">
      {params.setup === "done" ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Owner account created. Sign in with it below.
        </p>
      ) : null}
      {params.error ? (
        <p role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          Invalid email or password
        </p>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
