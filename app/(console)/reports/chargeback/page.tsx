import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { ChargebackStatement } from "./chargeback-statement";

export const metadata: Metadata = { title: "Chargeback statement" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** /reports/chargeback?team=<id>&month=YYYY-MM — a team's printable statement for a month (finance, owner, admin). */
export default async function ChargebackPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, allowed } = await requirePermission("reports:read");
  if (!allowed) return <NoAccess role={actor.role} what="chargeback statements" />;
  const params = await searchParams;
  const team = typeof params.team === "string" && uuid.test(params.team) ? params.team : null;
  const month = typeof params.month === "string" && monthPattern.test(params.month) ? params.month : null;
  if (!team || !month) return <p className="text-sm text-neutral-600">Open a statement from Reports: group a calendar month by team, then choose a team&apos;s Statement link.</p>;
  return <ChargebackStatement teamId={team} month={month} />;
}
