import type { Metadata } from "next";
import Link from "next/link";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { KeyDetail } from "./key-detail";

export const metadata: Metadata = { title: "Key" };

export default async function KeyPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor, allowed } = await requirePermission("keys:read");
  if (!allowed) return <NoAccess role={actor.role} what="virtual keys" />;
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-xs text-neutral-500">
        <Link href="/keys" className="hover:text-neutral-800 hover:underline">
          Keys
        </Link>
      </nav>
      <KeyDetail id={id} />
    </>
  );
}
