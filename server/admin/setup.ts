import { z } from "zod";
import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { deleteSetting, readSetting } from "@/db/queries/settings";
import { countUsers, insertUserWithRole } from "@/db/queries/users";
import { SETUP_TOKEN_SETTING } from "@/server/bootstrap";
import { hashPassword } from "@/server/crypto/password";
import { hashToken, hashesEqual } from "@/server/crypto/tokens";
import { failure, ok, type ServiceResult } from "./service-result";

export const setupInputSchema = z.object({
  token: z.string().min(10).max(200),
  email: z.string().trim().toLowerCase().email("Enter a valid email address"),
  name: z.string().trim().max(100).optional(),
  password: z.string().min(12, "Use at least 12 characters").max(200),
});
export type SetupInput = z.infer<typeof setupInputSchema>;

/** Whether a one-time setup token is valid (and no user exists yet). */
export async function isSetupTokenValid(db: Database, token: string): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  const stored = await readSetting<{ hash: string; expiresAt: number }>(db, SETUP_TOKEN_SETTING);
  return Boolean(stored && stored.expiresAt > Date.now() && hashesEqual(stored.hash, hashToken(token)));
}

/** Creates the first owner with the one-time token from the server log; the token dies with it. */
export async function completeSetup(db: Database, input: SetupInput): Promise<ServiceResult<{ email: string }>> {
  if (!(await isSetupTokenValid(db, input.token))) {
    return failure({ code: "forbidden", message: "This setup link is invalid, expired or already used. Restart the server to print a new one." });
  }
  const passwordHash = await hashPassword(input.password);
  const orgId = await ensureDefaultOrg(db);
  const user = await db.transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) return null;
    const created = await insertUserWithRole(tx, { email: input.email, name: input.name ?? null, passwordHash, orgId, role: "owner" });
    await deleteSetting(tx, SETUP_TOKEN_SETTING);
    await writeAudit(tx, { orgId, actor: `user:${created.id}`, action: "user.create_owner", targetType: "user", targetId: created.id, after: { email: created.email, role: "owner", source: "setup_link" } });
    return created;
  });
  if (!user) return failure({ code: "forbidden", message: "An owner exists already." });
  return ok({ email: user.email });
}
