import type { CacheStore } from "./cache/cache-store";
import type { ConfigSource } from "./config/config-source";
import type { ResponseStore } from "./inbound/responses/response-store";
import type { UpstreamClient } from "./upstream";
import type { UsageSink } from "./usage-writer";
import type { BudgetStore } from "./budget/reserve";
import type { RateLimiter } from "./rate-limit/limiter";
import type { SummaryStore } from "./context/summary-store";
import type { RoutingState } from "./routing/routing-state";
import type { FeedbackStore } from "./feedback/submit-feedback";
import type { ProviderAdapter, ProviderId } from "./types";
import type { RequestTelemetry } from "@/server/telemetry/request-telemetry";

/** Everything the pipeline needs, handed in (tests build it with in-memory parts). */
export interface GatewayDeps {
  config: ConfigSource;
  usage: UsageSink;
  upstream: UpstreamClient;
  adapters: Readonly<Partial<Record<ProviderId, ProviderAdapter>>>;
  options: GatewayOptions;
  /** Stored conversations for POST /v1/responses (previous_response_id); optional. */
  responses?: ResponseStore;
  /** Enforces the snapshot's rate limits (in-process, or shared through Redis); none: limits are not enforced. */
  rateLimiter?: RateLimiter;
  /** Reserves against the snapshot's budgets (PostgreSQL); none: budgets are not enforced. */
  budgets?: BudgetStore;
  /** Metrics and traces (server/telemetry); none when both are off. */
  telemetry?: RequestTelemetry;
  /** Health, in-flight counts, circuits and retry budgets of model group deployments (routing/); none: made per use. */
  routing?: RoutingState;
  /** Conversation summaries of context-window management (context/); none: every overflow is summarized anew. */
  contextSummaries?: SummaryStore;
  /** The response cache's store (Redis or PostgreSQL, cache/); none: no request is cached. */
  responseCache?: CacheStore;
  /** POST /v1/feedback (feedback/); none: the endpoint answers 404. */
  feedback?: FeedbackStore;
}

export interface GatewayOptions {
  /** Extra attempts after a retryable failure before the first streamed byte. */
  maxRetries: number;
  /** Longest Retry-After the gateway waits out itself; longer ones go back to the caller. */
  maxRetryAfterMs: number;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
  logPrompts: boolean;
  /** A header a trusted proxy sets with the caller's region (TRUSTED_REGION_HEADER); unset: the key's region only. */
  trustedRegionHeader?: string;
}
