import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/app/_components/auth-card";
import { getDb } from "@/db/client";
import { findUsableInvitation } from "@/server/admin/invitations";
import { AcceptForm } from "./accept-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Join" };

/** Opened from a one-time invitation link: the invitee chooses a name and password and joins with the invited role. */
export default async function InvitePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  const invitation = token ? await findUsableInvitation(await getDb(), token) : null;
  if (!invitation) {
    return (
      <AuthCard title="This invitation can't be used">
        <p role="alert" data-testid="invite-invalid" className="text-sm text-neutral-600">
          The link is invalid, expired, revoked or already used. Ask an owner or admin for a new one, or{" "}
          <Link href="/login" className="font-medium text-accent-700 hover:underline">
            sign in
          </Link>
          .
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Join modelgate" description={`You are invited as ${invitation.role}. Choose your name and a password.`}>
      <AcceptForm token={token} email={invitation.email} />
    </AuthCard>
  );
}
