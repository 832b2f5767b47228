"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";

type AuthMode = "none" | "header" | "oauth_client_credentials";

/** Registers a server; the credential is write-only (sealed at rest, never shown again). */
export function ServerForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ slug: "", name: "", url: "", authMode: "none" as AuthMode, headerName: "", credential: "", tokenUrl: "", clientId: "", scope: "", timeout: "30000", forward: "" });
  const change = (field: keyof typeof values) => (event: { target: { value: string } }) => setValues((previous) => ({ ...previous, [field]: event.target.value }));
  const create = useMutation(
    trpc.mcp.createServer.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
        onDone();
      },
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({
      slug: values.slug.trim(),
      name: values.name.trim(),
      url: values.url.trim(),
      auth_mode: values.authMode,
      auth_header_name: values.authMode === "header" ? values.headerName.trim() : null,
      credential: values.authMode === "none" || values.credential === "" ? undefined : values.credential,
      oauth_token_url: values.authMode === "oauth_client_credentials" ? values.tokenUrl.trim() : null,
      oauth_client_id: values.authMode === "oauth_client_credentials" ? values.clientId.trim() : null,
      oauth_scope: values.authMode === "oauth_client_credentials" && values.scope.trim() ? values.scope.trim() : null,
      timeout_ms: Number(values.timeout),
      forward_headers: values.forward.split(",").map((name) => name.trim()).filter(Boolean),
    });
  }
  const field = create.error?.data?.field;
  const fieldError = (name: string) => (field === name ? errorMessage(create.error) : undefined);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="MCP server">
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Slug" value={values.slug} onChange={change("slug")} hint="Tool prefix: <slug>__<tool>" error={fieldError("slug")} />
        <TextField label="Name" value={values.name} onChange={change("name")} error={fieldError("name")} />
      </div>
      <TextField label="URL" value={values.url} onChange={change("url")} placeholder="https://tools.example.com/mcp" error={fieldError("url")} />
      <SelectField label="Authentication" value={values.authMode} onChange={change("authMode")}>
        <option value="none">None</option>
        <option value="header">Static header</option>
        <option value="oauth_client_credentials">OAuth client credentials</option>
      </SelectField>
      {values.authMode === "header" ? (
        <div className="grid grid-cols-2 gap-3">
          <TextField label="Header name" value={values.headerName} onChange={change("headerName")} placeholder="x-api-key" error={fieldError("auth_header_name")} />
          <TextField label="Header value" type="password" autoComplete="off" value={values.credential} onChange={change("credential")} />
        </div>
      ) : null}
      {values.authMode === "oauth_client_credentials" ? (
        <>
          <TextField label="Token URL" value={values.tokenUrl} onChange={change("tokenUrl")} error={fieldError("oauth_token_url")} />
          <div className="grid grid-cols-3 gap-3">
            <TextField label="Client id" value={values.clientId} onChange={change("clientId")} />
            <TextField label="Client secret" type="password" autoComplete="off" value={values.credential} onChange={change("credential")} />
            <TextField label="Scope" value={values.scope} onChange={change("scope")} />
          </div>
        </>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Timeout (ms)" inputMode="numeric" value={values.timeout} onChange={change("timeout")} error={fieldError("timeout_ms")} />
        <TextField label="Forward inbound headers" value={values.forward} onChange={change("forward")} placeholder="x-trace-id" hint="Never Authorization or cookies." error={fieldError("forward_headers")} />
      </div>
      {field && ["slug", "name", "url", "auth_header_name", "oauth_token_url", "timeout_ms", "forward_headers"].includes(field) ? null : <ErrorBanner error={create.error} title="Could not add the server" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Add server
        </Button>
      </div>
    </form>
  );
}
