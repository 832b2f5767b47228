"use client";

import { useActionState } from "react";
import { Button } from "@/app/_components/button";
import { TextField } from "@/app/_components/field";
import { signInAction, type LoginState } from "./actions";

const initialState: LoginState = { error: null, email: "" };

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, isPending] = useActionState(signInAction, initialState);
  return (
    <form action={formAction} className="space-y-4" noValidate={false}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required defaultValue={state.email} autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      {state.error ? (
        <p role="alert" data-testid="login-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" className="w-full" isPending={isPending}>
        Sign in
      </Button>
    </form>
  );
}
