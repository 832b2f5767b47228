import type { Metadata } from "next";
import Link from "next/link";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { RequestDetail } from "./request-detail";

export const metadata: Metadata = { title: "Request" };

export default async function RequestDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor, allowed } = await requirePermission("requests:read");
  if (!allowed) return <NoAccess role={actor.role} what="the request ledger" />;
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-xs text-neutral-500">
        <Link href="/requests" className="hover:text-neutral-800 hover:underline">
          Requests
        </Link>
        <span className="mx-1.5">/</span>
        <span className="font-mono">{decodeURIComponent(id)}</span>
      </nav>
      <RequestDetail id={decodeURIComponent(id)} />
    </>
  );
}
