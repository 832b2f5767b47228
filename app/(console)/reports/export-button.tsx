"use client";

import { useState } from "react";
import { Button } from "@/app/_components/button";
import { formatInteger } from "@/app/_components/format";
import { ExportProgress } from "@/server/reports/export-progress";

type State = { kind: "idle" } | { kind: "running"; requests: number; bytes: number; expected: number | null } | { kind: "done"; requests: number; bytes: number } | { kind: "error"; message: string };

function filenameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  return match?.[1] ?? fallback;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `The export failed (HTTP ${response.status}).`;
  } catch {
    return `The export failed (HTTP ${response.status}).`;
  }
}

/**
 * Downloads an export while showing how far it got: the response is read as it streams
 * (requests written so far, of the x-ledger-rows the server announced), then saved.
 */
export function ExportButton({ label, href, testId }: { label: string; href: string | null; testId: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });

  async function run() {
    if (!href) return;
    const response = await fetch(href).catch(() => null);
    if (!response) return setState({ kind: "error", message: "The export could not reach the server." });
    if (!response.ok || !response.body) return setState({ kind: "error", message: await errorMessage(response) });
    const expectedHeader = response.headers.get("x-ledger-rows");
    const expected = expectedHeader === null ? null : Number(expectedHeader);
    const progress = new ExportProgress();
    const decoder = new TextDecoder();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const reader = response.body.getReader();
    setState({ kind: "running", requests: 0, bytes: 0, expected });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        progress.push(decoder.decode(value, { stream: true }), value.byteLength);
        setState({ kind: "running", requests: progress.requests, bytes: progress.bytes, expected });
      }
    } catch {
      return setState({ kind: "error", message: "The export was interrupted before it finished; nothing was saved." });
    }
    progress.finish();
    const url = URL.createObjectURL(new Blob(chunks, { type: "text/csv" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = filenameOf(response, "modelgate-export.csv");
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setState({ kind: "done", requests: progress.requests, bytes: progress.bytes });
  }

  const isRunning = state.kind === "running";
  return (
    <div className="flex flex-col items-end gap-1">
      <Button size="sm" onClick={() => void run()} disabled={!href} isPending={isRunning} data-testid={testId}>
        {label}
      </Button>
      {state.kind === "running" ? (
        <div className="w-48" role="status" aria-live="polite" data-testid={`${testId}-progress`}>
          <div className="h-1.5 overflow-hidden rounded bg-neutral-200">
            <div className="h-full bg-accent-600 transition-[width]" style={{ width: state.expected ? `${Math.min(100, (state.requests / Math.max(1, state.expected)) * 100)}%` : "40%" }} />
          </div>
          <p className="mt-0.5 text-[11px] text-neutral-500 tabular-nums">
            {state.expected !== null ? `${formatInteger(state.requests)} of ${formatInteger(state.expected)} requests` : "Exporting"} · {(state.bytes / 2 ** 20).toFixed(1)} MiB
          </p>
        </div>
      ) : null}
      {state.kind === "done" ? (
        <p className="text-[11px] text-neutral-500" role="status" data-testid={`${testId}-done`}>
          Saved · {(state.bytes / 1024).toFixed(1)} KiB
        </p>
      ) : null}
      {state.kind === "error" ? (
        <p className="max-w-60 text-right text-[11px] text-red-700" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
