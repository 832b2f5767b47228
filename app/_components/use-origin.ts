"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** The console's origin (e.g. http://localhost:3000) for snippets; "" during server rendering. */
export function useOrigin(): string {
  return useSyncExternalStore(
    subscribe,
    () => window.location.origin,
    () => "",
  );
}
