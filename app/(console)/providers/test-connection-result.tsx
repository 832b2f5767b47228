import { Badge } from "@/app/_components/badge";
import { errorMessage } from "@/app/_components/error-message";
import { formatMs } from "@/app/_components/format";
import type { RouterOutputs } from "@/app/_trpc/types";

export type TestOutcome = { result: RouterOutputs["providers"]["test"] } | { error: unknown };

/** The outcome of "Test connection": ok/failed, HTTP status, latency and the message. */
export function TestConnectionResult({ outcome }: { outcome: TestOutcome }) {
  if ("error" in outcome) {
    return (
      <div data-testid="test-result" className="flex items-center gap-2 text-xs">
        <Badge tone="red">failed</Badge>
        <span className="text-red-700">{errorMessage(outcome.error)}</span>
      </div>
    );
  }
  const { result } = outcome;
  return (
    <div data-testid="test-result" className="flex flex-wrap items-center gap-2 text-xs">
      <Badge tone={result.ok ? "green" : "red"}>{result.ok ? "ok" : "failed"}</Badge>
      <span className="tabular text-neutral-500">
        {result.status === null ? "no response" : `HTTP ${result.status}`} · {formatMs(result.latencyMs)}
      </span>
      <span className={result.ok ? "text-neutral-700" : "text-red-700"}>{result.message}</span>
    </div>
  );
}
