import { redirect } from "next/navigation";
import { getSessionActor } from "@/server/auth/actor";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const actor = await getSessionActor();
  redirect(actor ? "/overview" : "/login");
}
