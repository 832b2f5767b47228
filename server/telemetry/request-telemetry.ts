import type { Attributes, Context, Span } from "@opentelemetry/api";
import type { UsageRow } from "@/db/queries/usage-ledger";
import type { RequestRecord } from "@/server/gateway/ledger";
import type { GatewayError, ProviderId } from "@/server/gateway/types";
import { GEN_AI, genAiOperationName, genAiProviderName } from "./gen-ai";
import type { GatewayMetrics, SettledRequest } from "./metrics";
import { parseTraceparent } from "./traceparent";
import type { Tracing } from "./tracing";

/**
 * The pipeline's telemetry hooks: `start` right after an authenticated request's record is made, one
 * `attemptStarted` / `ended` pair around each upstream attempt, `settled` once where the ledger row is built.
 * Absent from GatewayDeps when metrics and tracing are both off (nothing runs then).
 */
export interface RequestTelemetry {
  start(record: RequestRecord, traceparent: string | undefined, tracestate: string | undefined): RecordTelemetry;
}

export interface RecordTelemetry {
  /** The trace this request belongs to (its own span's, or the caller's `traceparent` when tracing is off), for log lines. */
  readonly traceId?: string;
  readonly spanId?: string;
  /** `isRetry`: not the first attempt of its upstream call. */
  attemptStarted(provider: ProviderId, isRetry: boolean): AttemptTelemetry;
  settled(row: UsageRow): void;
}

export interface AttemptTelemetry {
  ended(error?: GatewayError): void;
}

export function createRequestTelemetry(parts: { metrics?: GatewayMetrics; tracing?: Tracing }): RequestTelemetry | undefined {
  if (!parts.metrics && !parts.tracing) return undefined;
  return { start: (record, traceparent, tracestate) => new RequestScope(record, parts.metrics, parts.tracing, traceparent, tracestate) };
}

class RequestScope implements RecordTelemetry {
  traceId?: string;
  spanId?: string;
  private span?: Span;
  private context?: Context;
  private openAttempts: Span[] = [];
  private isSettled = false;

  constructor(
    private readonly record: RequestRecord,
    private readonly metrics: GatewayMetrics | undefined,
    private readonly tracing: Tracing | undefined,
    traceparent: string | undefined,
    tracestate: string | undefined,
  ) {
    metrics?.requestStarted();
    if (!tracing) {
      this.traceId = parseTraceparent(traceparent)?.traceId;
      return;
    }
    const attributes: Attributes = { "http.request.method": "POST", "url.path": record.endpoint, [GEN_AI.operationName]: genAiOperationName(record.endpoint), "modelgate.request_id": record.id };
    this.span = tracing.startSpan(`POST ${record.endpoint}`, "server", attributes, tracing.parentOf(traceparent, tracestate));
    this.context = tracing.api.trace.setSpan(tracing.api.ROOT_CONTEXT, this.span);
    ({ traceId: this.traceId, spanId: this.spanId } = this.span.spanContext());
  }

  attemptStarted(provider: ProviderId, isRetry: boolean): AttemptTelemetry {
    const startedAt = performance.now();
    const index = this.record.attempts;
    const span = this.tracing && this.context ? this.tracing.startSpan(attemptName(this.record), "client", attemptAttributes(this.record, provider, index), this.context) : undefined;
    return {
      ended: (error) => {
        this.metrics?.attemptEnded({ provider, model: this.record.model?.name ?? null, isRetry, durationMs: performance.now() - startedAt, error });
        if (!span) return;
        if (!error) return void this.openAttempts.push(span);
        span.setAttribute("error.type", error.kind);
        if (error.kind === "upstream") span.setAttribute("http.response.status_code", error.status);
        span.setStatus({ code: this.tracing!.api.SpanStatusCode.ERROR, message: error.kind });
        span.end();
      },
    };
  }

  settled(row: UsageRow): void {
    if (this.isSettled) return;
    this.isSettled = true;
    this.metrics?.requestSettled(settledOf(row, this.record.model?.name ?? null));
    if (!this.span || !this.tracing) return;
    const usage = usageAttributes(row);
    // The answer's attempt spans last until the request settles (a stream's whole body); usage goes on the one span it belongs to.
    for (const attempt of this.openAttempts) {
      if (this.openAttempts.length === 1) attempt.setAttributes(usage);
      attempt.end();
    }
    this.span.setAttributes({
      ...usage,
      "http.response.status_code": row.httpStatus,
      ...(row.requestedModel ? { [GEN_AI.requestModel]: row.requestedModel } : {}),
      ...(row.provider ? { [GEN_AI.providerName]: genAiProviderName(row.provider as ProviderId) } : {}),
      "modelgate.key_prefix": row.keyPrefix ?? "",
      "modelgate.status": row.status,
      "modelgate.cost_usd": row.costUsd,
      "modelgate.upstream_attempts": row.upstreamAttempts,
    });
    if (row.status !== "success") {
      this.span.setAttribute("error.type", row.errorKind ?? row.status);
      this.span.setStatus({ code: this.tracing.api.SpanStatusCode.ERROR, message: row.errorKind ?? row.status });
    }
    this.span.end();
  }
}

function attemptName(record: RequestRecord): string {
  const model = record.model?.upstreamModel;
  const operation = genAiOperationName(record.endpoint);
  return model ? `${operation} ${model}` : operation;
}

function attemptAttributes(record: RequestRecord, provider: ProviderId, index: number): Attributes {
  const request = record.chatRequest;
  const attributes: Attributes = {
    [GEN_AI.operationName]: genAiOperationName(record.endpoint),
    [GEN_AI.providerName]: genAiProviderName(provider),
    "modelgate.attempt": index,
  };
  if (record.model) attributes[GEN_AI.requestModel] = record.model.upstreamModel;
  if (!request) return attributes;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number") attributes[GEN_AI.requestMaxTokens] = maxTokens;
  if (typeof request.temperature === "number") attributes[GEN_AI.requestTemperature] = request.temperature;
  if (typeof request.top_p === "number") attributes[GEN_AI.requestTopP] = request.top_p;
  if (typeof request.n === "number") attributes[GEN_AI.requestChoiceCount] = request.n;
  attributes[GEN_AI.requestStream] = request.stream === true;
  return attributes;
}

function usageAttributes(row: UsageRow): Attributes {
  const attributes: Attributes = { [GEN_AI.usageInputTokens]: row.inputTokens, [GEN_AI.usageOutputTokens]: row.outputTokens };
  if (row.servedModel) attributes[GEN_AI.responseModel] = row.servedModel;
  if (row.cachedInputTokens) attributes[GEN_AI.usageCacheReadInputTokens] = row.cachedInputTokens;
  if (row.cacheWriteTokens) attributes[GEN_AI.usageCacheCreationInputTokens] = row.cacheWriteTokens;
  if (row.reasoningTokens) attributes[GEN_AI.usageReasoningOutputTokens] = row.reasoningTokens;
  if (row.tokensEstimated) attributes["modelgate.tokens_estimated"] = true;
  return attributes;
}

function settledOf(row: UsageRow, model: string | null): SettledRequest {
  return {
    endpoint: row.endpoint,
    provider: row.provider ?? null,
    model,
    status: row.status,
    errorKind: row.errorKind ?? null,
    latencyMs: row.latencyMs ?? 0,
    ttftMs: row.ttftMs ?? null,
    stream: row.stream ?? false,
    inputTokens: row.inputTokens ?? 0,
    outputTokens: row.outputTokens ?? 0,
    cachedInputTokens: row.cachedInputTokens ?? 0,
    cacheWriteTokens: row.cacheWriteTokens ?? 0,
    reasoningTokens: row.reasoningTokens ?? 0,
    costUsd: row.costUsd ?? "0",
  };
}
