import type { Tracing } from "@/server/telemetry/tracing";
import type { ConfigSource, KeyEntry } from "@/server/gateway/config/config-source";
import type { BudgetStore } from "@/server/gateway/budget/reserve";
import type { RateLimiter } from "@/server/gateway/rate-limit/limiter";
import type { UsageSink } from "@/server/gateway/usage-writer";
import type { McpCallStatus } from "@/db/schema/mcp-calls";
import type { DefinitionObserver } from "./observe-definitions";
import type { InFlightCalls } from "./in-flight-calls";
import type { McpConfigSource } from "./config/mcp-config-source";
import type { createToolCatalog } from "./tool-catalog";
import type { McpUpstream } from "./upstream/mcp-upstream";

export interface McpCallRecord {
  orgId: string;
  keyId: string;
  teamId: string | null;
  serverId: string | null;
  serverSlug: string | null;
  tool: string;
  status: McpCallStatus;
  latencyMs: number;
  requestBytes: number;
  responseBytes: number;
  costUsd: string;
  arguments: unknown;
  error: string | null;
  createdAt: Date;
}

export interface McpAuditEvent {
  orgId: string;
  keyId: string;
  action: "mcp.call_denied";
  tool: string;
  reason: string;
}

/** Everything POST /mcp needs, handed in (tests build it with in-memory parts). */
export interface McpDeps {
  /** The gateway's snapshot: virtual keys. */
  keys: ConfigSource;
  config: McpConfigSource;
  upstream: McpUpstream;
  catalog: ReturnType<typeof createToolCatalog>;
  /** Per-call ledger rows (batched, off the response path). */
  recordCall(record: McpCallRecord): void;
  /** Denied calls (off the response path). */
  audit(event: McpAuditEvent): void;
  rateLimiter?: RateLimiter;
  /** Reserves per-call costs against budgets (PostgreSQL); none: budgets are not enforced. */
  budgets?: BudgetStore;
  /** The model gateway's usage ledger: a call that reached its upstream is a row there too (cost, budget settlement, finance export). */
  usage?: UsageSink;
  /** Told about every live definition that is hidden because it is not the approved one. */
  observeDefinition?: DefinitionObserver;
  /** Calls in flight in this process, for 2025-era notifications/cancelled. */
  inFlight: InFlightCalls;
  /** Host names /mcp answers for ("*": any); Origin, when sent, must name one of them. */
  allowedHosts: readonly string[];
  maxBodyBytes: number;
  /** OpenTelemetry (server/telemetry/tracing.ts): a span per tools/call; absent when tracing is off. */
  tracing?: Tracing;
}

export interface McpCaller {
  key: KeyEntry;
}
