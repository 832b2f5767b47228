import type { ReactNode } from "react";

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div data-testid="empty-state" className="rounded-lg border border-dashed border-neutral-300 bg-white px-6 py-10 text-center">
      <p className="text-sm font-semibold text-neutral-800">{title}</p>
      {children ? <div className="mx-auto mt-2 max-w-2xl text-sm text-neutral-500">{children}</div> : null}
      {action ? <div className="mt-4 flex justify-center">{action}</div> : null}
    </div>
  );
}
