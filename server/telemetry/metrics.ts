import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { decimalToPicos } from "@/server/gateway/pricing";
import type { GatewayError } from "@/server/gateway/types";

/**
 * The process's Prometheus metrics (prom-client), updated once per request and once per upstream attempt,
 * never per stream chunk. Label values are bounded: the endpoint, the provider kind, the configured model
 * name (never the caller's raw `model` string), the outcome. Gauges that mirror state elsewhere (usage
 * queue, database pool, circuit breakers) are read at scrape time through `watch*`, costing nothing per request.
 */
export interface SettledRequest {
  endpoint: string;
  provider: string | null;
  /** The configured model name; null when the request never resolved one. */
  model: string | null;
  status: string;
  errorKind: string | null;
  latencyMs: number;
  ttftMs: number | null;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: string;
}

export type CircuitState = "closed" | "half_open" | "open";
const CIRCUIT_VALUES: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export interface DatabasePoolUse {
  max: number;
  /** Connections by state (active, idle, idle in transaction, …). */
  connections: Record<string, number>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const NONE = "none";

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly costs = new Map<string, { provider: string; model: string; picos: bigint }>();
  private readonly requests = new Counter({ name: "modelgate_requests_total", help: "Gateway requests by endpoint, provider, model, status and error kind (authenticated requests, as recorded in the ledger).", labelNames: ["endpoint", "provider", "model", "status", "error_kind"], registers: [this.registry] });
  private readonly duration = new Histogram({ name: "modelgate_request_duration_seconds", help: "Time from the request's arrival to its end (the last streamed byte for streams).", labelNames: ["endpoint", "provider", "model", "status"], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly ttft = new Histogram({ name: "modelgate_time_to_first_token_seconds", help: "Time from the request's arrival to the first token (streams) or the whole answer (non-stream).", labelNames: ["endpoint", "provider", "model", "stream"], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly tokens = new Counter({ name: "modelgate_tokens_total", help: "Tokens recorded in the ledger, by provider, model and type (input, output, cached_input, cache_write, reasoning).", labelNames: ["provider", "model", "type"], registers: [this.registry] });
  private readonly inFlight = new Gauge({ name: "modelgate_requests_in_flight", help: "Gateway requests started and not yet settled (streams included).", registers: [this.registry] });
  private readonly attempts = new Counter({ name: "modelgate_upstream_attempts_total", help: "Upstream attempts by provider, model and outcome (ok, or the gateway error kind).", labelNames: ["provider", "model", "outcome"], registers: [this.registry] });
  private readonly retries = new Counter({ name: "modelgate_upstream_retries_total", help: "Upstream attempts after the first one of a request.", labelNames: ["provider", "model"], registers: [this.registry] });
  private readonly attemptDuration = new Histogram({ name: "modelgate_upstream_attempt_duration_seconds", help: "Time of one upstream attempt until its answer (a stream's first event) or its failure.", labelNames: ["provider", "outcome"], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly circuit = new Gauge({ name: "modelgate_circuit_breaker_state", help: "Circuit breaker state per model group deployment, as this replica last changed it: 0 closed, 1 half-open, 2 open.", labelNames: ["group", "deployment"], registers: [this.registry] });
  private readonly usageWrites = new Counter({ name: "modelgate_usage_rows_written_total", help: "Ledger rows written by this process's usage writer.", registers: [this.registry] });
  private readonly usageFailures = new Counter({ name: "modelgate_usage_write_failures_total", help: "Failed ledger batch writes (the batch stays queued and is retried).", registers: [this.registry] });
  private readonly usageBatch = new Histogram({ name: "modelgate_usage_batch_write_seconds", help: "Time to write one ledger batch.", buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const costs = this.costs;
    new Counter({
      name: "modelgate_cost_usd_total",
      help: "Cost recorded in the ledger, in US dollars, by provider and model (summed exactly in picodollars, converted at scrape).",
      labelNames: ["provider", "model"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const entry of costs.values()) this.inc({ provider: entry.provider, model: entry.model }, Number(entry.picos) / 1e12);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  requestSettled(request: SettledRequest): void {
    this.inFlight.dec();
    const provider = request.provider ?? NONE;
    const model = request.model ?? NONE;
    const endpoint = request.endpoint;
    this.requests.inc({ endpoint, provider, model, status: request.status, error_kind: request.errorKind ?? NONE });
    this.duration.observe({ endpoint, provider, model, status: request.status }, request.latencyMs / 1000);
    if (request.ttftMs !== null) this.ttft.observe({ endpoint, provider, model, stream: String(request.stream) }, request.ttftMs / 1000);
    this.addTokens(provider, model, "input", request.inputTokens);
    this.addTokens(provider, model, "output", request.outputTokens);
    this.addTokens(provider, model, "cached_input", request.cachedInputTokens);
    this.addTokens(provider, model, "cache_write", request.cacheWriteTokens);
    this.addTokens(provider, model, "reasoning", request.reasoningTokens);
    const picos = decimalToPicos(request.costUsd);
    if (picos === 0n) return;
    const key = `${provider}\u0000${model}`;
    const entry = this.costs.get(key);
    if (entry) entry.picos += picos;
    else this.costs.set(key, { provider, model, picos });
  }

  private addTokens(provider: string, model: string, type: string, count: number): void {
    if (count > 0) this.tokens.inc({ provider, model, type }, count);
  }

  attemptEnded(attempt: { provider: string; model: string | null; isRetry: boolean; durationMs: number; error?: GatewayError }): void {
    const outcome = attempt.error ? attempt.error.kind : "ok";
    const model = attempt.model ?? NONE;
    this.attempts.inc({ provider: attempt.provider, model, outcome });
    if (attempt.isRetry) this.retries.inc({ provider: attempt.provider, model });
    this.attemptDuration.observe({ provider: attempt.provider, outcome }, attempt.durationMs / 1000);
  }

  /** Called with each circuit change routing makes (server/gateway/runtime.ts). */
  setCircuitState(group: string, deployment: string, state: CircuitState): void {
    this.circuit.set({ group, deployment }, CIRCUIT_VALUES[state]);
  }

  /** Wraps the usage writer's batch write: rows written, failures and batch time. */
  timeUsageWrites<T extends { length: number }>(write: (rows: T) => Promise<void>): (rows: T) => Promise<void> {
    return async (rows) => {
      const stop = this.usageBatch.startTimer();
      try {
        await write(rows);
        this.usageWrites.inc(rows.length);
      } catch (error) {
        this.usageFailures.inc();
        throw error;
      } finally {
        stop();
      }
    };
  }

  /** Queue depth and lag (age of the oldest queued row), read at scrape time. */
  watchUsageQueue(queue: { readonly pending: number; readonly oldestQueuedAt: number | undefined }): void {
    this.registry.removeSingleMetric("modelgate_usage_queue_rows");
    this.registry.removeSingleMetric("modelgate_usage_queue_lag_seconds");
    new Gauge({ name: "modelgate_usage_queue_rows", help: "Ledger rows queued in this process, not yet written.", registers: [this.registry], collect() { this.set(queue.pending); } });
    new Gauge({
      name: "modelgate_usage_queue_lag_seconds",
      help: "Age of the oldest queued ledger row (0 when the queue is empty).",
      registers: [this.registry],
      collect() {
        const oldest = queue.oldestQueuedAt;
        this.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
  }

  /** Database pool use, read at scrape time. */
  watchDatabasePool(read: () => Promise<DatabasePoolUse | undefined>): void {
    this.registry.removeSingleMetric("modelgate_db_pool_connections");
    this.registry.removeSingleMetric("modelgate_db_pool_max");
    let last: Promise<DatabasePoolUse | undefined> | undefined;
    const readOnce = () => (last ??= read().catch(() => undefined).finally(() => setTimeout(() => (last = undefined), 100).unref()));
    new Gauge({
      name: "modelgate_db_pool_connections",
      help: "This process's database connections by state (PostgreSQL: pg_stat_activity, the scrape's own query excluded).",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        const use = await readOnce();
        this.reset();
        for (const [state, count] of Object.entries(use?.connections ?? {})) this.set({ state }, count);
      },
    });
    new Gauge({ name: "modelgate_db_pool_max", help: "The database pool's size.", registers: [this.registry], async collect() { const use = await readOnce(); if (use) this.set(use.max); } });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
