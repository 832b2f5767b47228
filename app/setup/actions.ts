"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { completeSetup, setupInputSchema } from "@/server/admin/setup";

export interface SetupState {
  error: string | null;
  fieldErrors: Partial<Record<"email" | "name" | "password" | "confirm", string>>;
  values: { email: string; name: string };
}

/** Creates the first owner from the one-time token; the token is checked again inside completeSetup. */
export async function completeSetupAction(_previous: SetupState, formData: FormData): Promise<SetupState> {
  const raw = {
    token: String(formData.get("token") ?? ""),
    email: String(formData.get("email") ?? ""),
    name: String(formData.get("name") ?? "").trim() || undefined,
    password: String(formData.get("password") ?? ""),
  };
  const values = { email: raw.email, name: raw.name ?? "" };
  if (raw.password !== String(formData.get("confirm") ?? "")) {
    return { error: null, fieldErrors: { confirm: "The passwords don't match." }, values };
  }
  const parsed = setupInputSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: SetupState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "email" || field === "name" || field === "password") fieldErrors[field] ??= issue.message;
    }
    const tokenIssue = parsed.error.issues.some((issue) => issue.path[0] === "token");
    return { error: tokenIssue ? "This setup link is invalid." : null, fieldErrors, values };
  }
  const result = await completeSetup(await getDb(), parsed.data);
  if (!result.ok) return { error: result.error.message, fieldErrors: {}, values };
  redirect("/login?setup=done");
}
