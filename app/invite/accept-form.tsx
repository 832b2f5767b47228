"use client";

import { useActionState } from "react";
import { Button } from "@/app/_components/button";
import { TextField } from "@/app/_components/field";
import { acceptInvitationAction, type AcceptState } from "./actions";

const initialState: AcceptState = { error: null, fieldErrors: {}, name: "" };

export function AcceptForm({ token, email }: { token: string; email: string }) {
  const [state, formAction, isPending] = useActionState(acceptInvitationAction, initialState);
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" name="email" type="email" autoComplete="username" value={email} readOnly disabled />
      <TextField label="Name" name="name" autoComplete="name" required defaultValue={state.name} error={state.fieldErrors.name} maxLength={100} autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" required minLength={12} error={state.fieldErrors.password} hint="At least 12 characters." />
      <TextField label="Confirm password" name="confirm" type="password" autoComplete="new-password" required minLength={12} error={state.fieldErrors.confirm} />
      {state.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" className="w-full" isPending={isPending}>
        Join
      </Button>
    </form>
  );
}
