import type { Warning } from "@/server/gateway/types";

/** Collects warnings for one translation, once per (code, param, message). */
export interface WarningSink {
  readonly list: Warning[];
  unsupported(param: string, message: string): void;
  clamped(param: string, message: string): void;
  other(param: string, message: string): void;
}

export function createWarnings(): WarningSink {
  const list: Warning[] = [];
  const seen = new Set<string>();
  const add = (code: Warning["code"], param: string, message: string) => {
    const key = `${code}\u0000${param}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    list.push({ code, param, message });
  };
  return {
    list,
    unsupported: (param, message) => add("unsupported_parameter", param, message),
    clamped: (param, message) => add("clamped_parameter", param, message),
    other: (param, message) => add("other", param, message),
  };
}
