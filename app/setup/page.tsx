import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/app/_components/auth-card";
import { getDb } from "@/db/client";
import { isSetupTokenValid } from "@/server/admin/setup";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  const isValid = token.length > 0 && (await isSetupTokenValid(await getDb(), token));
  if (!isValid) {
    return (
      <AuthCard title="This setup link can't be used">
        <p role="alert" data-testid="setup-invalid" className="text-sm text-neutral-600">
          The link is invalid, expired or already used, or an owner account exists already. Restart the server to print a new one-time link in its
          log, or{" "}
          <Link href="/login" className="font-medium text-accent-700 hover:underline">
            sign in
          </Link>
          .
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create the owner account" description="This one-time link creates the first console user. It stops working once used.">
      <SetupForm token={token} />
    </AuthCard>
  );
}
