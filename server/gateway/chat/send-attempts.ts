import { withAttempts } from "../attempt";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import type { UpstreamResponse } from "../upstream";
import { toTarget } from "../resolve-target";
import type { ProviderAdapter, Result, UpstreamRequest } from "../types";

/** What the attempt loop needs from an adapter (chat or embeddings): who it is and how its errors read. */
export type ErrorMapper = Pick<ProviderAdapter, "id" | "parseError" | "authorize" | "onUnauthorized">;

/**
 * Sends the request until a 2xx arrives or retries run out. Non-2xx bodies are read and mapped
 * by the adapter. `accept` may inspect a 2xx response further (e.g. peek a stream's first event)
 * and turn it into a retryable failure. Adapters with an async credential step (`authorize`) are authorized
 * before every attempt, and told about a 401 (`onUnauthorized`) so a cached token is not reused.
 */
export async function sendWithAttempts<T>(
  deps: GatewayDeps,
  record: RequestRecord,
  adapter: ErrorMapper,
  upstreamRequest: UpstreamRequest,
  signal: AbortSignal,
  accept: (response: UpstreamResponse) => Promise<Result<T>>,
): Promise<Result<T>> {
  const connection = record.model!.connection;
  const send = (request: UpstreamRequest, requestSignal: AbortSignal) => deps.upstream.send(request, { provider: adapter.id, trusted: connection.trusted, signal: requestSignal });
  // Only adapters with an async credential step need the target and context (built once, not per attempt).
  const auth = adapter.authorize ? { target: toTarget(record.model!), context: { send, trusted: connection.trusted, signal } } : undefined;
  let sent = 0; // this call's attempts (a fanned-out request makes several calls)
  const sendOnce = async (mayReauthorize: boolean): Promise<Result<T> | "reauthorize"> => {
    record.attempts += 1;
    const attempt = record.telemetry?.attemptStarted(adapter.id, sent++ > 0);
    const result = await sendOnceUntraced(mayReauthorize);
    attempt?.ended(result === "reauthorize" ? { kind: "unauthorized" } : result.ok ? undefined : result.error);
    return result;
  };
  const sendOnceUntraced = async (mayReauthorize: boolean): Promise<Result<T> | "reauthorize"> => {
    const authorized = auth ? await adapter.authorize!(upstreamRequest, auth.target, auth.context) : ({ ok: true, value: upstreamRequest } as const);
    if (!authorized.ok) return authorized;
    const sent = await send(authorized.value, signal);
    if (!sent.ok) return sent;
    const response = sent.value;
    if (response.status < 200 || response.status >= 300) {
      // A 401 on a cached token (revoked or expired early): drop it and try once more with a fresh one.
      const dropped = response.status === 401 && auth !== undefined && adapter.onUnauthorized?.(authorized.value, auth.target) === true;
      const text = await response.text().catch(() => "");
      return dropped && mayReauthorize ? "reauthorize" : { ok: false, error: adapter.parseError(response.status, text, response.headers) };
    }
    return accept(response);
  };
  return withAttempts<T>(
    async () => {
      const first = await sendOnce(true);
      return first === "reauthorize" ? ((await sendOnce(false)) as Result<T>) : first;
    },
    { maxRetries: deps.options.maxRetries, maxRetryAfterMs: deps.options.maxRetryAfterMs, signal },
  );
}
