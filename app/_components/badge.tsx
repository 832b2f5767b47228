import type { ReactNode } from "react";
import { cx } from "./cx";

export type BadgeTone = "green" | "red" | "amber" | "gray" | "blue";

const tones: Record<BadgeTone, string> = {
  green: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  gray: "bg-neutral-100 text-neutral-600 ring-neutral-500/20",
  blue: "bg-accent-50 text-accent-700 ring-accent-600/20",
};

export function Badge({ tone = "gray", children, testId }: { tone?: BadgeTone; children: ReactNode; testId?: string }) {
  return (
    <span data-testid={testId} className={cx("inline-flex items-center rounded px-1.5 py-0.5 text-[11px] font-medium whitespace-nowrap ring-1 ring-inset", tones[tone])}>
      {children}
    </span>
  );
}

const statusTones: Record<string, BadgeTone> = { success: "green", error: "red", aborted: "amber", active: "green", expired: "amber", revoked: "gray", pending: "blue", deactivated: "red" };

/** Request and key statuses with a consistent colour. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTones[status] ?? "gray"} testId="status-badge">
      {status}
    </Badge>
  );
}
