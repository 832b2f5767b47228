/**
 * The tools/call requests this process is serving, by key and JSON-RPC id, so a 2025-era client's
 * `notifications/cancelled` (a separate POST, answered statelessly) can abort its call. A 2026-era client cancels by
 * closing its request instead, which aborts the call through the request's signal. Entries live only while their
 * call runs. A cancellation that lands on another replica finds nothing here; that call ends at the server's timeout.
 */
export function createInFlightCalls() {
  const calls = new Map<string, AbortController>();
  const slot = (keyId: string, requestId: string | number) => `${keyId}/${typeof requestId}/${requestId}`;
  return {
    /** Registers a call; returns its signal (aborted by a matching cancellation) and the release to call when it ends. */
    track(keyId: string, requestId: string | number): { signal: AbortSignal; release(): void } {
      const controller = new AbortController();
      const name = slot(keyId, requestId);
      calls.set(name, controller);
      return {
        signal: controller.signal,
        release: () => {
          if (calls.get(name) === controller) calls.delete(name);
        },
      };
    },
    /** Aborts the key's call with that id, if this process serves it. */
    cancel(keyId: string, requestId: string | number): boolean {
      const controller = calls.get(slot(keyId, requestId));
      controller?.abort(new Error("cancelled by the client"));
      return controller !== undefined;
    },
    get size() {
      return calls.size;
    },
  };
}

export type InFlightCalls = ReturnType<typeof createInFlightCalls>;
