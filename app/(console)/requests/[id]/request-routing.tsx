import { Badge } from "@/app/_components/badge";
import { formatMs } from "@/app/_components/format";
import { Table, TableBody, TableHead, Td, Th, Tr } from "@/app/_components/table";
import type { RouteTraceValue } from "@/db/schema/route-trace";

/** A routed request's decisions: the group, each candidate (ranked or why excluded), each attempt and why it was made. */
export function RequestRouting({ routing }: { routing: RouteTraceValue | null }) {
  if (!routing) return null;
  return (
    <section aria-label="Routing" className="space-y-2" data-testid="request-routing">
      <h2 className="text-xs font-semibold text-neutral-600">
        Routing <Badge tone="blue">{`${routing.group} v${routing.version}`}</Badge> <span className="font-normal text-neutral-600">{routing.strategy}</span>
      </h2>
      <p className="text-sm text-neutral-800" data-testid="routing-summary">
        {routing.summary}
      </p>
      <Table aria-label="Routing candidates">
        <TableHead>
          <Th>Rank</Th>
          <Th>Deployment</Th>
          <Th>Model</Th>
          <Th>Provider</Th>
          <Th>Region</Th>
          <Th className="text-right">Score</Th>
          <Th>Note</Th>
        </TableHead>
        <TableBody>
          {routing.candidates.map((candidate, index) => (
            <Tr key={`${candidate.group}/${candidate.deployment}/${index}`} data-testid="routing-candidate">
              <Td className="tabular">{candidate.rank ?? "—"}</Td>
              <Td className="font-mono text-xs">
                {candidate.deployment}
                {candidate.group !== routing.group ? <span className="text-neutral-500"> (fallback {candidate.group})</span> : null}
              </Td>
              <Td>{candidate.model}</Td>
              <Td>{candidate.provider || "—"}</Td>
              <Td>{candidate.region ?? "—"}</Td>
              <Td className="tabular text-right">{candidate.score ?? "—"}</Td>
              <Td className="text-xs">{candidate.excluded ? <span className="text-red-700">excluded: {candidate.excluded}</span> : (candidate.note ?? "")}</Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <Table aria-label="Routing attempts">
        <TableHead>
          <Th>#</Th>
          <Th>Deployment</Th>
          <Th>Why</Th>
          <Th className="text-right">Waited</Th>
          <Th className="text-right">Started</Th>
          <Th className="text-right">Took</Th>
          <Th>Outcome</Th>
        </TableHead>
        <TableBody>
          {routing.attempts.map((attempt, index) => (
            <Tr key={index} data-testid="routing-attempt">
              <Td className="tabular">{index + 1}</Td>
              <Td className="font-mono text-xs">{attempt.deployment}</Td>
              <Td className="text-xs">{attempt.reason}</Td>
              <Td className="tabular text-right">{formatMs(attempt.delayMs)}</Td>
              <Td className="tabular text-right">+{formatMs(attempt.startMs)}</Td>
              <Td className="tabular text-right">{formatMs(attempt.durationMs)}</Td>
              <Td>
                {attempt.outcome === "success" ? (
                  <Badge tone="green">success</Badge>
                ) : (
                  <Badge tone="red">{[attempt.error?.kind, attempt.error?.status, attempt.error?.code, attempt.error?.scope === "attempt" ? "(group's per-attempt limit)" : undefined].filter((part) => part !== undefined).join(" ")}</Badge>
                )}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
