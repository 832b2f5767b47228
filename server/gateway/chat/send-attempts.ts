import { withAttempts } from "../attempt";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import type { UpstreamResponse } from "../upstream";
import type { ProviderAdapter, Result, UpstreamRequest } from "../types";

/** What the attempt loop needs from an adapter (chat or embeddings): who it is and how its errors read. */
export type ErrorMapper = Pick<ProviderAdapter, "id" | "parseError">;

/**
 * Sends the request until a 2xx arrives or retries run out. Non-2xx bodies are read and mapped
 * by the adapter. `accept` may inspect a 2xx response further (e.g. peek a stream's first event)
 * and turn it into a retryable failure.
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
  return withAttempts<T>(
    async () => {
      record.attempts += 1;
      const sent = await deps.upstream.send(upstreamRequest, { provider: adapter.id, trusted: connection.trusted, signal });
      if (!sent.ok) return sent;
      const response = sent.value;
      if (response.status < 200 || response.status >= 300) {
        const text = await response.text().catch(() => "");
        return { ok: false, error: adapter.parseError(response.status, text, response.headers) };
      }
      return accept(response);
    },
    { maxRetries: deps.options.maxRetries, maxRetryAfterMs: deps.options.maxRetryAfterMs, signal },
  );
}
