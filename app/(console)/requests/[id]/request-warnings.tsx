import { Table, TableBody, TableHead, Td, Th, Tr } from "@/app/_components/table";

/** Parameters the gateway could not honour as sent (dropped, renamed, clamped). */
export function RequestWarnings({ warnings }: { warnings: Array<{ code: string; param?: string; message: string }> }) {
  return (
    <section aria-label="Warnings" className="space-y-2">
      <h2 className="text-xs font-semibold text-neutral-600">Warnings ({warnings.length})</h2>
      {warnings.length === 0 ? (
        <p className="text-sm text-neutral-500">None: every parameter was passed through as sent.</p>
      ) : (
        <Table>
          <TableHead>
            <Th>Code</Th>
            <Th>Parameter</Th>
            <Th>Message</Th>
          </TableHead>
          <TableBody>
            {warnings.map((warning, index) => (
              <Tr key={`${warning.code}-${index}`}>
                <Td className="font-mono text-xs">{warning.code}</Td>
                <Td className="font-mono text-xs">{warning.param ?? "—"}</Td>
                <Td>{warning.message}</Td>
              </Tr>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
