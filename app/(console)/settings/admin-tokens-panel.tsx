"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { CodeBlock } from "@/app/_components/code-block";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { grantableRoles } from "@/app/_components/roles";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import type { Role } from "@/db/schema";
import { AdminTokensTable } from "./admin-tokens-table";

export function AdminTokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const options = grantableRoles(permissions.me?.role);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [nameError, setNameError] = useState<string>();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const tokens = useQuery(trpc.adminTokens.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.adminTokens.list.queryKey() });
  const create = useMutation(
    trpc.adminTokens.create.mutationOptions({
      onSuccess: async (token) => {
        setName("");
        setCreated({ name: token.name, token: token.token });
        await invalidate();
      },
    }),
  );
  const revoke = useMutation(trpc.adminTokens.revoke.mutationOptions({ onSuccess: invalidate }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setNameError(name.trim() ? undefined : "Give the token a name.");
    if (name.trim()) create.mutate({ name: name.trim(), ...(role ? { role } : {}) });
  }

  return (
    <section className="space-y-3" aria-label="Admin tokens">
      <h2 className="text-sm font-semibold">Admin tokens</h2>
      <form onSubmit={submit} noValidate className="flex items-start gap-2" aria-label="Create admin token">
        <TextField label="Token name" value={name} onChange={(event) => setName(event.target.value)} error={nameError} placeholder="e.g. terraform" maxLength={100} className="w-72" />
        <SelectField label="Acts as" value={role} onChange={(event) => setRole(event.target.value as Role | "")} className="w-40">
          <option value="">My role{permissions.me ? ` (${permissions.me.role})` : ""}</option>
          {options
            .filter((option) => option.role !== permissions.me?.role)
            .map((option) => (
              <option key={option.role} value={option.role}>
                {option.label}
              </option>
            ))}
        </SelectField>
        <Button type="submit" variant="primary" isPending={create.isPending} className="mt-5">
          Create token
        </Button>
      </form>
      <ErrorBanner error={create.error} title="Could not create the token" />
      <ErrorBanner error={tokens.error} title="Could not load admin tokens" />
      <AdminTokensTable tokens={tokens.data} isLoading={tokens.isLoading} actorRole={permissions.me?.role} onRevoke={(id) => revoke.mutateAsync({ id })} />
      <Dialog title={created ? `Admin token "${created.name}" created` : "Admin token created"} isOpen={created !== null} onClose={() => setCreated(null)} size="lg" footer={<Button variant="primary" onClick={() => setCreated(null)}>Done</Button>}>
        {created ? (
          <div className="space-y-3 text-sm">
            <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
              Copy this token now. It is shown only once and acts on the admin API with its role, never above yours.
            </p>
            <CodeBlock code={created.token} label="Copy token" testId="created-admin-token" />
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}
