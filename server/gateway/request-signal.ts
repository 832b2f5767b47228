/**
 * One AbortSignal per request that fires when the client leaves or the total timeout passes.
 * Cheaper than AbortSignal.any + AbortSignal.timeout (measured ~35 µs per request on Node 20),
 * and the timer is cleared as soon as the request settles instead of lingering until it fires.
 */
export function createRequestSignal(clientSignal: AbortSignal, totalTimeoutMs: number): { signal: AbortSignal; dispose(): void } {
  const { controller, unlink } = linkedController(clientSignal);
  const timer = setTimeout(() => controller.abort(new DOMException("total timeout", "TimeoutError")), totalTimeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      unlink();
    },
  };
}

/**
 * A controller of its own that also aborts when `parent` does (with the parent's reason): AbortSignal.any for the
 * common case of one parent, without its cost (a routed attempt made one per request: about 20 µs of the routing
 * step's CPU, npm run bench:profile). unlink() detaches it from the parent once it is no longer needed.
 */
export function linkedController(parent: AbortSignal): { controller: AbortController; unlink(): void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, unlink: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { controller, unlink: () => parent.removeEventListener("abort", onAbort) };
}
