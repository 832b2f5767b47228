import type { ConfigSource } from "./config/config-source";
import type { UpstreamClient } from "./upstream";
import type { UsageSink } from "./usage-writer";
import type { ProviderAdapter, ProviderId } from "./types";

/** Everything the pipeline needs, handed in (tests build it with in-memory parts). */
export interface GatewayDeps {
  config: ConfigSource;
  usage: UsageSink;
  upstream: UpstreamClient;
  adapters: Readonly<Partial<Record<ProviderId, ProviderAdapter>>>;
  options: GatewayOptions;
}

export interface GatewayOptions {
  /** Extra attempts after a retryable failure before the first streamed byte. */
  maxRetries: number;
  /** Longest Retry-After the gateway waits out itself; longer ones go back to the caller. */
  maxRetryAfterMs: number;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
  logPrompts: boolean;
}
