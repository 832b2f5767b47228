"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { CheckboxField, SelectField } from "@/app/_components/field";
import { Table, TableBody, TableHead, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

const outcomeTones = { allowed: "green", blocked: "red", rerouted: "blue", redacted: "amber", failed: "red" } as const;

/** Replays the saved rules against stored traffic (requests of keys or teams that keep bodies in full). */
export function PolicyReplay() {
  const trpc = useTRPC();
  const [days, setDays] = useState("7");
  const [enforceDryRun, setEnforceDryRun] = useState(true);
  const replay = useMutation(trpc.policies.replay.mutationOptions());
  const result = replay.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    replay.mutate({ days: Number(days), enforce_dry_run: enforceDryRun });
  }

  return (
    <section aria-label="Replay against stored traffic" className="mt-8 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-sm font-semibold">Replay against stored traffic</h2>
      <p className="mb-3 text-xs text-neutral-500">
        Runs the saved rules and residency over the requests stored in full (keys or teams with body logging “full”), each as its key and region sent it, and counts what
        they would have blocked, rerouted or redacted. Write a new rule in dry-run, replay, then enforce it. Nothing is sent or recorded.
      </p>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-4">
        <SelectField label="Stored in the last" value={days} onChange={(event) => setDays(event.target.value)} className="w-40">
          <option value="1">1 day</option>
          <option value="7">7 days</option>
          <option value="30">30 days</option>
        </SelectField>
        <CheckboxField label="Replay dry-run rules as enforced" checked={enforceDryRun} onChange={(event) => setEnforceDryRun(event.target.checked)} />
        <Button type="submit" variant="primary" isPending={replay.isPending}>
          Replay
        </Button>
      </form>
      <ErrorBanner error={replay.error} title="Could not replay the rules" />
      {result ? (
        <div className="mt-4 space-y-3" data-testid="replay-result">
          <p className="text-sm" data-testid="replay-summary">
            {result.scanned} stored request{result.scanned === 1 ? "" : "s"}
            {result.truncated ? " (the newest; more are stored)" : ""}:{" "}
            {(Object.keys(outcomeTones) as (keyof typeof outcomeTones)[]).map((outcome) => (
              <span key={outcome} className="mr-2" data-testid={`replay-${outcome}`}>
                <Badge tone={outcomeTones[outcome]}>
                  {result.outcomes[outcome]} {outcome}
                </Badge>
              </span>
            ))}
          </p>
          {result.scanned === 0 ? <p className="text-xs text-neutral-500">No stored requests in this window: set body logging to “full” on a team or key to keep traffic to replay.</p> : null}
          <Table aria-label="Rules in the replay">
            <TableHead>
              <Th>Rule</Th>
              <Th>Action</Th>
              <Th className="text-right">Fired</Th>
            </TableHead>
            <TableBody>
              {result.rules.map((rule) => (
                <Tr key={rule.id} data-testid="replay-rule">
                  <Td>{rule.name}</Td>
                  <Td className="capitalize">{rule.action}</Td>
                  <Td className="tabular text-right">{rule.fired}</Td>
                </Tr>
              ))}
            </TableBody>
          </Table>
          {Object.entries(result.samples).map(([outcome, ids]) => (
            <p key={outcome} className="text-xs text-neutral-600">
              {outcome}:{" "}
              {ids.map((id) => (
                <Link key={id} href={`/requests/${encodeURIComponent(id)}`} className="mr-2 font-mono text-accent-700 hover:underline">
                  {id}
                </Link>
              ))}
            </p>
          ))}
        </div>
      ) : null}
    </section>
  );
}
