"use client";

import { cx } from "./cx";

/** A small on/off switch (role="switch"). */
export function Switch({ isOn, onToggle, label, isPending }: { isOn: boolean; onToggle: () => void; label: string; isPending?: boolean }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={isOn}
      aria-label={label}
      disabled={isPending}
      onClick={onToggle}
      className={cx("relative inline-flex h-4 w-7 shrink-0 items-center rounded-full transition-colors disabled:opacity-50", isOn ? "bg-accent-600" : "bg-neutral-300")}
    >
      <span className={cx("inline-block size-3 rounded-full bg-white shadow transition-transform", isOn ? "translate-x-3.5" : "translate-x-0.5")} />
    </button>
  );
}
