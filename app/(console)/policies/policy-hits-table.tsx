import { Badge } from "@/app/_components/badge";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import type { PolicyDecisionValue } from "@/db/schema/policy-decision";
import { actionLabels } from "./describe-rule";

/** The rules a decision recorded (simulator and request detail): action, detectors (names only), applied or not. */
export function PolicyHitsTable({ decision, label }: { decision: PolicyDecisionValue; label: string }) {
  return (
    <Table aria-label={label}>
      <TableHead>
        <Th>Rule</Th>
        <Th>Action</Th>
        <Th>Detectors</Th>
        <Th>Applied</Th>
      </TableHead>
      <TableBody>
        {decision.rules.length === 0 ? <TableMessage colSpan={4}>{decision.residency ? "No rule fired; residency refused the model." : "No rule fired."}</TableMessage> : null}
        {decision.rules.map((hit) => (
          <Tr key={hit.id} data-testid="fired-rule">
            <Td>
              <span className="font-medium">{hit.name}</span> <span className="font-mono text-[11px] text-neutral-400">{hit.id}</span>
            </Td>
            <Td>{actionLabels[hit.action]}</Td>
            <Td className="font-mono text-xs">{hit.detectors.join(", ") || "—"}</Td>
            <Td>{hit.error ? <Badge tone="red">evaluation failed</Badge> : hit.dryRun ? <Badge tone="amber">dry run</Badge> : hit.applied ? <Badge tone="green">yes</Badge> : <Badge>no</Badge>}</Td>
          </Tr>
        ))}
      </TableBody>
    </Table>
  );
}
