"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { CodeBlock } from "@/app/_components/code-block";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { PolicyHitsTable } from "./policy-hits-table";

/** "Test a prompt": the saved rules and residency against a prompt, a model and a caller; nothing is sent or recorded. */
export function PolicySimulator() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const keys = useQuery(trpc.keys.list.queryOptions());
  const [prompt, setPrompt] = useState("");
  const [model, setModel] = useState("");
  const [keyId, setKeyId] = useState("");
  const [callerRegion, setCallerRegion] = useState("");
  const test = useMutation(trpc.policies.test.mutationOptions());
  const result = test.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    test.mutate({ body: { model: model || models.data?.[0]?.name || "", messages: [{ role: "user", content: prompt }] }, key_id: keyId || null, caller_region: callerRegion.trim() || null });
  }

  return (
    <section aria-label="Test a prompt" className="mt-8 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-sm font-semibold">Test a prompt</h2>
      <p className="mb-3 text-xs text-neutral-500">Runs the saved rules and residency exactly as the gateway does, on every endpoint alike. Nothing reaches a provider and nothing is recorded.</p>
      <form onSubmit={submit} className="space-y-3">
        <div className="space-y-1">
          <label htmlFor="simulator-prompt" className="block text-xs font-medium text-neutral-700">
            Prompt
          </label>
          <textarea id="simulator-prompt" value={prompt} onChange={(event) => setPrompt(event.target.value)} rows={3} className="block w-full rounded-md border border-neutral-300 px-2.5 py-1.5 text-sm" placeholder="My card is 4111 1111 1111 1111" />
        </div>
        <div className="grid grid-cols-3 gap-3">
          <SelectField label="Model" value={model} onChange={(event) => setModel(event.target.value)}>
            {models.data?.map((entry) => (
              <option key={entry.id} value={entry.name}>
                {entry.name}
                {entry.region ? ` (${entry.region})` : ""}
              </option>
            ))}
          </SelectField>
          <SelectField label="Caller key" value={keyId} onChange={(event) => setKeyId(event.target.value)}>
            <option value="">A key with no team, role or region</option>
            {keys.data?.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name}
                {key.region ? ` (${key.region})` : ""}
              </option>
            ))}
          </SelectField>
          <TextField label="Caller region (as the trusted proxy sends it)" value={callerRegion} onChange={(event) => setCallerRegion(event.target.value)} placeholder="eu-west-1" />
        </div>
        <div className="flex justify-end">
          <Button type="submit" variant="primary" isPending={test.isPending}>
            Test
          </Button>
        </div>
      </form>
      <ErrorBanner error={test.error} title="Could not test the prompt" />
      {result ? (
        <div className="mt-4 space-y-3" data-testid="simulator-result">
          <p className="text-sm">
            {result.status === 200 ? <Badge tone="green">admitted</Badge> : <Badge tone="red">refused {result.status}</Badge>} <Badge tone="blue">{result.decision.outcome}</Badge>
            {result.error ? <span className="ml-2 text-red-700" data-testid="simulator-error">{result.error.message}</span> : null}
            {result.model ? <span className="ml-2 text-neutral-600">goes to <code>{result.model}</code></span> : null}
          </p>
          <PolicyHitsTable decision={result.decision} label="Rules that fired" />
          {result.request ? <CodeBlock code={JSON.stringify(result.request, null, 2)} label="Copy request" testId="simulator-request" /> : null}
        </div>
      ) : null}
    </section>
  );
}
