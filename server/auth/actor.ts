import { getDb } from "@/db/client";
import { auth } from "./auth";
import { resolveSessionActor, type SessionActor } from "./session-actor";

/** The signed-in console user as an Actor (org, role and session validity read from the database), or null. */
export async function getSessionActor(): Promise<SessionActor | null> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const sessionVersion = (session as { sessionVersion?: unknown }).sessionVersion;
  return resolveSessionActor(await getDb(), userId, typeof sessionVersion === "number" ? sessionVersion : 0);
}
