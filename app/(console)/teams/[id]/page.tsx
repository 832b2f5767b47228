import type { Metadata } from "next";
import Link from "next/link";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { TeamDetail } from "./team-detail";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor, allowed } = await requirePermission("teams:read");
  if (!allowed) return <NoAccess role={actor.role} what="teams" />;
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-xs text-neutral-500">
        <Link href="/teams" className="hover:text-neutral-800 hover:underline">
          Teams
        </Link>
      </nav>
      <TeamDetail id={id} />
    </>
  );
}
