import { Badge } from "@/app/_components/badge";
import { formatDateTime, formatPrice } from "@/app/_components/format";
import type { RouterOutputs } from "@/app/_trpc/types";

type Price = RouterOutputs["models"]["list"][number]["prices"][number];

/** Every price row of a model, newest first, marking the one in force and scheduled ones. */
export function PriceHistory({ prices, currentId }: { prices: Price[]; currentId: string | null }) {
  if (prices.length === 0) return null;
  // Newest first: rows above the one in force take effect later (scheduled).
  const currentIndex = currentId === null ? prices.length : prices.findIndex((price) => price.id === currentId);
  return (
    <div>
      <p className="mb-1 text-xs font-semibold text-neutral-700">Price history</p>
      <table className="w-full text-left text-xs">
        <thead className="text-neutral-500">
          <tr>
            <th className="py-1 font-medium">Effective from</th>
            <th className="py-1 font-medium">Input</th>
            <th className="py-1 font-medium">Output</th>
            <th className="py-1 font-medium">Cached</th>
            <th className="py-1 font-medium">Cache write</th>
            <th className="py-1 font-medium">1h write</th>
            <th className="py-1" />
          </tr>
        </thead>
        <tbody className="tabular divide-y divide-neutral-100">
          {prices.map((price, index) => (
            <tr key={price.id}>
              <td className="py-1">{price.effectiveFrom.getTime() === 0 ? "initial (catalog)" : formatDateTime(price.effectiveFrom)}</td>
              <td className="py-1">{formatPrice(price.inputPerMtok)}</td>
              <td className="py-1">{formatPrice(price.outputPerMtok)}</td>
              <td className="py-1">{formatPrice(price.cachedInputPerMtok)}</td>
              <td className="py-1">{formatPrice(price.cacheWritePerMtok)}</td>
              <td className="py-1">{formatPrice(price.cacheWrite1hPerMtok)}</td>
              <td className="py-1 text-right">
                {price.id === currentId ? <Badge tone="green">current</Badge> : index < currentIndex ? <Badge tone="blue">scheduled</Badge> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
