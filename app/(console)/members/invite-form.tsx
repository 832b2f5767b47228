"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorField, errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { Role } from "@/db/schema";
import type { CreatedInvitation } from "./invitation-created-dialog";
import { grantableRoles } from "@/app/_components/roles";

interface InviteFormProps {
  actorRole: Role | undefined;
  onCreated: (invitation: CreatedInvitation) => void;
  onCancel: () => void;
}

export function InviteForm({ actorRole, onCreated, onCancel }: InviteFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = grantableRoles(actorRole);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("developer");
  const [emailError, setEmailError] = useState<string>();
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: async (invitation) => {
        await queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey() });
        onCreated({ email: invitation.email, role: invitation.role, path: invitation.path, expiresAt: invitation.expiresAt });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = email.trim();
    const nextError = /^[^\s@]+@[^\s@]+$/.test(trimmed) ? undefined : "Enter an email address.";
    setEmailError(nextError);
    if (!nextError) invite.mutate({ email: trimmed, role });
  }

  // Conflicts (a member already, a pending invitation) name the field; zod errors start with it.
  const serverField = invite.error?.data?.field ?? errorField(invite.error, ["email", "role"]);
  const selected = options.find((option) => option.role === role);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Invite member">
      <TextField
        label="Email"
        type="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={emailError ?? (serverField === "email" ? errorMessage(invite.error) : undefined)}
        placeholder="name@example.com"
        maxLength={320}
        autoFocus
      />
      <SelectField label="Role" value={role} onChange={(event) => setRole(event.target.value as Role)} hint={selected?.description}>
        {options.map((option) => (
          <option key={option.role} value={option.role}>
            {option.label}
          </option>
        ))}
      </SelectField>
      {serverField !== "email" ? <ErrorBanner error={invite.error} title="Could not invite" /> : null}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={invite.isPending}>
          Create invitation link
        </Button>
      </div>
    </form>
  );
}
