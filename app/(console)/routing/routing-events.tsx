"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/app/_components/badge";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

const labels: Record<string, { text: string; tone: BadgeTone }> = {
  "circuit:open": { text: "circuit opened", tone: "red" },
  "circuit:half_open": { text: "circuit half-open", tone: "amber" },
  "circuit:closed": { text: "circuit closed", tone: "green" },
  "cooldown:": { text: "cool-down (429)", tone: "amber" },
  "quality:": { text: "quality", tone: "amber" },
};

/** The routing-events timeline: every circuit change, cool-down and quality demotion a gateway replica made, newest first. */
export function RoutingEvents() {
  const trpc = useTRPC();
  const events = useQuery({ ...trpc.groups.events.queryOptions({ limit: 100 }), refetchInterval: 10_000 });
  return (
    <section aria-label="Routing events" className="mt-8 space-y-2">
      <h2 className="text-sm font-semibold">Routing events</h2>
      <p className="text-xs text-neutral-500">
        Circuit changes, 429 cool-downs and quality demotions of the last 30 days, as each gateway replica made them, with the reason. A request&apos;s own decisions are in its request detail.
      </p>
      <ErrorBanner error={events.error} title="Could not load routing events" />
      <Table aria-label="Routing events">
        <TableHead>
          <Th>When</Th>
          <Th>Group</Th>
          <Th>Deployment</Th>
          <Th>Event</Th>
          <Th>Reason</Th>
          <Th>Replica</Th>
        </TableHead>
        <TableBody>
          {events.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {events.data?.length === 0 ? <TableMessage colSpan={6}>No circuit has opened and no deployment has been cooled down.</TableMessage> : null}
          {events.data?.map((event) => {
            const label = labels[`${event.kind}:${event.state ?? ""}`] ?? { text: event.kind, tone: "gray" as const };
            return (
              <Tr key={event.id} data-testid="routing-event">
                <Td className="text-xs whitespace-nowrap">{formatDateTime(event.at)}</Td>
                <Td className="font-mono text-xs">{event.group}</Td>
                <Td className="font-mono text-xs">{event.deployment}</Td>
                <Td>
                  <Badge tone={label.tone}>{label.text}</Badge>
                </Td>
                <Td className="text-xs">{event.reason}</Td>
                <Td className="text-xs text-neutral-500">{event.replica}</Td>
              </Tr>
            );
          })}
        </TableBody>
      </Table>
    </section>
  );
}
