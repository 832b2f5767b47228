"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { acceptInvitation, acceptInvitationInputSchema } from "@/server/admin/invitations";
import { signIn } from "@/server/auth/auth";

export interface AcceptState {
  error: string | null;
  fieldErrors: Partial<Record<"name" | "password" | "confirm", string>>;
  name: string;
}

/** Joins the org from a one-time invitation (checked again inside acceptInvitation), then signs the new member in. */
export async function acceptInvitationAction(_previous: AcceptState, formData: FormData): Promise<AcceptState> {
  const raw = { token: String(formData.get("token") ?? ""), name: String(formData.get("name") ?? ""), password: String(formData.get("password") ?? "") };
  if (raw.password !== String(formData.get("confirm") ?? "")) return { error: null, fieldErrors: { confirm: "The passwords don't match." }, name: raw.name };
  const parsed = acceptInvitationInputSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: AcceptState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "name" || field === "password") fieldErrors[field] ??= issue.message;
    }
    const tokenIssue = parsed.error.issues.some((issue) => issue.path[0] === "token");
    return { error: tokenIssue ? "This invitation link is invalid." : null, fieldErrors, name: raw.name };
  }
  const result = await acceptInvitation(await getDb(), parsed.data);
  if (!result.ok) return { error: result.error.message, fieldErrors: {}, name: raw.name };
  try {
    await signIn("credentials", { email: result.value.email, password: parsed.data.password, redirectTo: "/overview" });
  } catch (error) {
    // Success arrives as a redirect "error"; it must propagate. A failed sign-in still leaves a working account.
    if (error instanceof AuthError) redirect("/login");
    throw error;
  }
  return { error: null, fieldErrors: {}, name: raw.name };
}
