"use client";

import { useActionState } from "react";
import { Button } from "@/app/_components/button";
import { TextField } from "@/app/_components/field";
import { completeSetupAction, type SetupState } from "./actions";

const initialState: SetupState = { error: null, fieldErrors: {}, values: { email: "", name: "" } };

export function SetupForm({ token }: { token: string }) {
  const [state, formAction, isPending] = useActionState(completeSetupAction, initialState);
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required defaultValue={state.values.email} error={state.fieldErrors.email} autoFocus />
      <TextField label="Name" name="name" autoComplete="name" defaultValue={state.values.name} error={state.fieldErrors.name} hint="Optional." />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" required minLength={12} error={state.fieldErrors.password} hint="At least 12 characters." />
      <TextField label="Confirm password" name="confirm" type="password" autoComplete="new-password" required minLength={12} error={state.fieldErrors.confirm} />
      {state.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" className="w-full" isPending={isPending}>
        Create owner account
      </Button>
    </form>
  );
}
