import type { ReactNode } from "react";

/** The centred card used by /login and /setup. */
export function AuthCard({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <main className="grid min-h-screen place-items-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span className="grid size-7 place-items-center rounded bg-accent-600 text-sm font-bold text-white" aria-hidden>
            m
          </span>
          <span className="text-base font-semibold tracking-tight">modelgate</span>
        </div>
        <div className="rounded-lg border border-neutral-200 bg-white p-6 shadow-sm">
          <h1 className="text-base font-semibold">{title}</h1>
          {description ? <p className="mt-1 mb-5 text-sm text-neutral-500">{description}</p> : <div className="mb-5" />}
          {children}
        </div>
      </div>
    </main>
  );
}
