import type { UsageRow } from "@/db/queries/usage-ledger";
import type { ContextTraceValue } from "@/db/schema/context-trace";
import type { PolicyDecisionValue } from "@/db/schema/policy-decision";
import type { RouteTraceValue } from "@/db/schema/route-trace";
import { describeError, logger } from "@/server/logger";
import type { RecordTelemetry } from "@/server/telemetry/request-telemetry";
import { pricingAt, type KeyEntry, type ModelEntry } from "./config/config-source";
import type { GatewayDeps } from "./deps";
import { toOpenAIError } from "./errors";
import { completeUsage } from "./estimate-tokens";
import { chargeOf, picosToDecimal, promptCacheSavingPicos } from "./pricing";
import type { LeaseHold } from "./budget/leases";
import type { CacheTicket } from "./cache/response-cache";
import type { RateLimitHold } from "./rate-limit/limiter";
import type { StoredBodyValue } from "./stored-body";
import type { ChatRequest, GatewayError, Usage, Warning } from "./types";

/** What the pipeline learns about one authenticated request as it goes. */
export interface RequestRecord {
  id: string;
  startedAt: number;
  endpoint: string;
  stream: boolean;
  key: KeyEntry;
  requestedModel?: string;
  model?: ModelEntry;
  chatRequest?: ChatRequest;
  warnings: Warning[];
  attempts: number;
  firstTokenAt?: number;
  /** When the request ended, for a record settled later than that (a routed request's earlier attempt); unset: now. */
  endedAt?: number;
  /** Releases per-request resources (timers) once the request is settled. */
  onSettled?: () => void;
  /** Set at rate-limit admission: the x-ratelimit-* headers, and the settlement of the request's reservation. */
  rateLimit?: RateLimitHold;
  /** The request's end user (`user`), recorded on the row. */
  endUser?: string | null;
  /** Set when budgets reserved for the request: the row's insert settles them. */
  budgetCharges?: { budget_id: string; period_start: string }[];
  /** Set when the request reserved from this replica's budget slices: settled with its cost into the row's charges. */
  budgetHold?: LeaseHold;
  /** The policy decision (policy/enforce-policy.ts), for the ledger row. */
  policy?: PolicyDecisionValue;
  /** What the key asks to keep of the request (stored-body.ts), written with the ledger row. */
  storedBody?: StoredBodyValue;
  /** Metrics and trace of the request (deps.telemetry); settled with the ledger row. */
  telemetry?: RecordTelemetry;
  /** The routing trace of a request to a model group (routing/), for the ledger row and the response headers. */
  route?: RouteTraceValue;
  /** The A/B experiment variant the request was assigned to (experiments/assign-variant.ts). */
  experiment?: { id: string; variant: string };
  /** Set on a child request (a context-window summary): the request it was made for. */
  parentId?: string;
  /** What context-window management did (context/), for the ledger row. */
  context?: ContextTraceValue;
  /** The cost of this request's children (exact picodollars), added to its own for the trace's total. */
  childCostPicos?: bigint;
  /** The response cache's part (cache/response-cache.ts): the ledger's cache mark and what a hit saved. */
  cache?: CacheTicket;
}

export interface Outcome {
  status: "success" | "error" | "aborted";
  httpStatus: number;
  error?: GatewayError;
  /** Usage the provider reported, if any. */
  usage?: Usage;
  /** Text (and tool arguments) produced so far, for estimates when usage is missing. */
  producedText?: string;
  /** The caller already estimated `usage` (e.g. embeddings counted with the tokenizer). */
  usageEstimated?: boolean;
  clientAborted?: boolean;
  /** Free at every provider (token counting): recorded with zero tokens, nothing estimated. */
  unbilled?: boolean;
}

export function newRecord(id: string, key: KeyEntry, endpoint: string): RequestRecord {
  return { id, startedAt: Date.now(), endpoint, stream: false, key, warnings: [], attempts: 0 };
}

/**
 * Turns a finished request into exactly one ledger row (queued for the batch writer) and one
 * log line. A request that reached a provider is billed for what it produced, estimated when
 * the provider reported nothing; one that never reached a provider costs nothing.
 */
export async function settleRequest(record: RequestRecord, outcome: Outcome, deps: GatewayDeps): Promise<void> {
  const endedAt = record.endedAt ?? Date.now();
  record.onSettled?.();
  const reachedProvider = record.attempts > 0;
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let estimated = false;
  if (reachedProvider && !outcome.unbilled && (outcome.status === "success" || outcome.usage || outcome.producedText !== undefined)) {
    ({ usage, estimated } = await completeUsage(outcome.usage, record.chatRequest, outcome.producedText ?? ""));
  }
  estimated ||= outcome.usageEstimated === true;
  // Rate limits are settled with the tokens the ledger records (input + output), once per request.
  record.rateLimit?.settle(usage.inputTokens + usage.outputTokens);
  // The prices in force when the request started, from the snapshot: the catalog's (list), the org's own, the discount.
  const pricing = record.model ? pricingAt(record.model, record.startedAt) : undefined;
  const charge = pricing ? chargeOf(usage, pricing) : { listPicos: 0n, costPicos: 0n };
  const picos = charge.costPicos;
  const touchedCache = (usage.cachedInputTokens ?? 0) > 0 || (usage.cacheWriteTokens ?? 0) > 0;
  const promptCacheSaved = pricing && touchedCache ? promptCacheSavingPicos(usage, pricing) : null;
  const cost = picosToDecimal(picos);
  const row: UsageRow = {
    id: record.id,
    orgId: record.key.orgId,
    teamId: record.key.teamId,
    keyId: record.key.id,
    keyPrefix: record.key.prefix,
    requestedModel: record.requestedModel ?? null,
    servedModel: record.model?.upstreamModel ?? null,
    provider: record.model?.connection.kind ?? null,
    connectionId: record.model?.connection.id ?? null,
    endpoint: record.endpoint,
    stream: record.stream,
    status: outcome.status,
    httpStatus: outcome.httpStatus,
    errorKind: outcome.error?.kind ?? null,
    errorMessage: outcome.error ? toOpenAIError(outcome.error).body.error.message : null,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: usage.cacheWrite1hTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
    tokensEstimated: estimated,
    costUsd: cost,
    priceId: pricing?.list?.id ?? null,
    listCostUsd: picosToDecimal(charge.listPicos),
    promptCacheSavedUsd: promptCacheSaved === null ? null : picosToDecimal(promptCacheSaved),
    orgPriceId: pricing?.orgPrice?.id ?? null,
    discountPercent: pricing?.orgPrice || pricing?.list ? (pricing.discountPercent ?? null) : null,
    latencyMs: endedAt - record.startedAt,
    ttftMs: record.firstTokenAt ? record.firstTokenAt - record.startedAt : null,
    startedAt: new Date(record.startedAt),
    endedAt: new Date(endedAt),
    clientAborted: outcome.clientAborted ?? false,
    warnings: record.warnings,
    upstreamAttempts: record.attempts,
    endUser: record.endUser ?? null,
    budgetCharges: record.budgetHold ? record.budgetHold.settle(picos) : (record.budgetCharges ?? null),
    policy: record.policy ?? null,
    ...(record.storedBody ? { storedBody: record.storedBody.mode === "full" ? { ...record.storedBody, responseText: outcome.producedText ?? null } : record.storedBody } : {}),
    routing: record.route ?? null,
    experimentId: record.experiment?.id ?? null,
    variant: record.experiment?.variant ?? null,
    parentId: record.parentId ?? null,
    contextTrace: record.context ? { ...record.context, totalCostUsd: picosToDecimal(picos + (record.childCostPicos ?? 0n)) } : null,
    cacheStatus: record.cache?.status ?? null,
    cacheSavedUsd: record.cache?.savedPicos !== undefined ? picosToDecimal(record.cache.savedPicos) : null,
  };
  deps.usage.record(row);
  record.telemetry?.settled(row);
  if (!logger.isEnabled("info")) return;
  logger.info("request", {
    request_id: row.id,
    ...(record.telemetry?.traceId ? { trace_id: record.telemetry.traceId, span_id: record.telemetry.spanId } : {}),
    key_prefix: row.keyPrefix,
    endpoint: row.endpoint,
    model: row.requestedModel,
    provider: row.provider,
    stream: row.stream,
    status: row.status,
    http_status: row.httpStatus,
    error_kind: row.errorKind,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    tokens_estimated: row.tokensEstimated,
    cost_usd: row.costUsd,
    attempts: row.upstreamAttempts,
    warnings: record.warnings.length,
    ...(record.policy ? { policy: record.policy.outcome } : {}),
    ...(record.route ? { route: record.route.summary } : {}),
    ...(record.cache ? { cache: record.cache.status } : {}),
    ...(deps.options.logPrompts && record.chatRequest ? { messages: record.chatRequest.messages } : {}),
  });
}

/** Settles without blocking the response; a failure here is a bug, logged, never thrown at a client. */
export function settleInBackground(record: RequestRecord, outcome: Outcome, deps: GatewayDeps): void {
  settleRequest(record, outcome, deps).catch((error) => {
    record.rateLimit?.settle();
    logger.error("settling a request failed", { request_id: record.id, ...describeError(error) });
  });
}
