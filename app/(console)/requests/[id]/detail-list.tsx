import type { ReactNode } from "react";

export interface DetailItem {
  label: string;
  value: ReactNode;
  testId?: string;
}

/** A titled card of label/value pairs. */
export function DetailList({ title, items }: { title: string; items: DetailItem[] }) {
  return (
    <section className="rounded-lg border border-neutral-200 bg-white shadow-xs" aria-label={title}>
      <h2 className="border-b border-neutral-200 px-4 py-2 text-xs font-semibold text-neutral-600">{title}</h2>
      <dl className="divide-y divide-neutral-100 text-[13px]">
        {items.map((item) => (
          <div key={item.label} className="grid grid-cols-[10rem_1fr] gap-3 px-4 py-1.5">
            <dt className="text-neutral-500">{item.label}</dt>
            <dd className="tabular min-w-0 break-words text-neutral-900" data-testid={item.testId}>
              {item.value}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
