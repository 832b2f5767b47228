import Link from "next/link";
import { Badge } from "@/app/_components/badge";
import { formatInteger, formatUsd } from "@/app/_components/format";
import type { ContextTraceValue } from "@/db/schema/context-trace";
import { DetailList, type DetailItem } from "./detail-list";

const actionTones = { fits: "green", truncated: "amber", summarized: "blue", fallback: "blue", split: "blue", refused: "red" } as const;

export interface ChildRequest {
  id: string;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string | null;
  status: string;
  errorKind: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  costUsd: string;
  /** An earlier attempt of a routed request that the provider billed (README "Model groups and routing", Billing). */
  isAttempt: boolean;
}

const requestLink = (id: string) => (
  <Link href={`/requests/${encodeURIComponent(id)}`} className="font-mono text-xs text-blue-700 hover:underline">
    {id}
  </Link>
);

/**
 * What context-window management did to the request (README "Context-window management"), its child requests (context
 * summaries, and a routed request's earlier attempts the provider billed), and for a child the request it was made
 * for. React escapes every value shown.
 */
export function RequestContext({ trace, parentId, childRequests, costUsd, totalCostUsd }: { trace: ContextTraceValue | null; parentId: string | null; childRequests: ChildRequest[]; costUsd: string; totalCostUsd: string }) {
  if (!trace && !parentId && childRequests.length === 0) return null;
  const items: DetailItem[] = [];
  if (parentId) items.push({ label: "Made for request", value: requestLink(parentId), testId: "context-parent" });
  const attempts = childRequests.filter((child) => child.isAttempt).length;
  if (attempts > 0) items.push({ label: "Billed attempts", value: `${formatInteger(attempts)} earlier ${attempts === 1 ? "attempt" : "attempts"} the provider billed, each its own row`, testId: "context-attempts" });
  if (trace) {
    items.push(
      { label: "Mode", value: `${trace.mode} (from the ${trace.source === "header" ? "x-modelgate-context header" : `${trace.source}'s settings`})` },
      { label: "Action", value: <Badge tone={actionTones[trace.action]}>{trace.action}</Badge>, testId: "context-action" },
      { label: "Tokens", value: `${formatInteger(trace.tokensBefore)} → ${formatInteger(trace.tokensAfter)} (${trace.family}; window ${formatInteger(trace.window)}, ${formatInteger(trace.reserved)} kept for the answer)`, testId: "context-tokens" },
      { label: "Messages", value: `${formatInteger(trace.messagesBefore)} → ${formatInteger(trace.messagesAfter)}` },
    );
    if (trace.droppedMessages) items.push({ label: "Dropped", value: `${formatInteger(trace.droppedMessages)} messages in ${formatInteger(trace.droppedTurns ?? 0)} oldest turns` });
    if (trace.summary) {
      const { summary } = trace;
      items.push({ label: "Summary", value: `${formatInteger(summary.summarizedMessages)} messages summarized by ${summary.model} into ${formatInteger(summary.tokens)} tokens${summary.cached ? " (reused from an earlier turn)" : ""}`, testId: "context-summary" });
      items.push({ label: "Summary request", value: <>{requestLink(summary.requestId)} {summary.cached ? "(earlier)" : <span title={`${summary.costUsd} USD (exact)`}>{formatUsd(summary.costUsd)}</span>}</> });
    }
    if (trace.split) items.push({ label: "Split", value: `${formatInteger(trace.split.documentTokens)} document tokens in ${formatInteger(trace.split.parts)} parts of ≤ ${formatInteger(trace.split.partTokens)} (overlap ${formatInteger(trace.split.overlapTokens)}), stitched by this request`, testId: "context-split" });
    if (trace.fallback) items.push({ label: "Fallback", value: `${trace.fallback.from} → ${trace.fallback.to}`, testId: "context-fallback" });
    if (trace.note) items.push({ label: "Note", value: trace.note });
  }
  if (childRequests.length > 0) {
    items.push({ label: "Own cost", value: <span title={`${costUsd} USD (exact)`}>{formatUsd(costUsd)}</span> });
    items.push({ label: "Total with children", value: <span title={`${totalCostUsd} USD (exact)`}>{formatUsd(totalCostUsd)}</span>, testId: "context-total-cost" });
  }
  return (
    <div className="space-y-2" data-testid="request-context">
      <DetailList title={trace ? "Context window" : "Child requests"} items={items} />
      {childRequests.length > 0 ? (
        <table className="w-full text-[13px]" aria-label="Child requests">
          <thead className="text-left text-xs text-neutral-500">
            <tr>
              <th className="py-1">Child request</th>
              <th>Kind</th>
              <th>Model</th>
              <th>Status</th>
              <th className="text-right">Tokens in / out</th>
              <th className="text-right">Cost</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-neutral-100">
            {childRequests.map((child) => (
              <tr key={child.id} data-testid="context-child">
                <td className="py-1">{requestLink(child.id)}</td>
                <td>{child.isAttempt ? "billed attempt" : "context"}</td>
                <td>{child.isAttempt ? `${child.servedModel ?? "—"} (${child.provider ?? "—"})` : (child.requestedModel ?? "—")}</td>
                <td>{child.errorKind ? `${child.status}: ${child.errorKind}` : child.status}</td>
                <td className="text-right tabular">
                  {formatInteger(child.inputTokens)} / {formatInteger(child.outputTokens)}
                  {child.tokensEstimated ? <span title="estimated: the provider reported no usage"> (est.)</span> : null}
                </td>
                <td className="text-right tabular" title={`${child.costUsd} USD (exact)`}>{formatUsd(child.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
