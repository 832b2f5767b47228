import { hostname } from "node:os";
import { getDatabase } from "@/db/client";
import { removeGatewayInstance, touchGatewayInstance } from "@/db/queries/gateway-instances";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { touchKeysLastUsed } from "@/db/queries/virtual-keys";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { env } from "@/server/env";
import { describeError, logger } from "@/server/logger";
import { getTelemetry } from "@/server/telemetry/telemetry";
import { adapters } from "@/server/providers";
import { pruneRequestBodies } from "@/db/queries/request-bodies";
import { pruneSummaries } from "@/db/queries/context-summaries";
import { createDatabaseSummaryStore } from "./context/summary-store";
import { DEFAULT_LEASE_OPTIONS } from "./budget/leases";
import { RESERVATION_GRACE_MS } from "./budget/reserve";
import { createDatabaseBudgetStore, startBudgetSweeper } from "./budget/sweeper";
import { startRoutingEventWriter } from "./routing/event-writer";
import { loadSnapshot } from "./config/load-snapshot";
import { startLiveConfig, type LiveConfig } from "./config/live-config";
import type { GatewayDeps } from "./deps";
import { createDatabaseResponseStore } from "./inbound/responses/store";
import { createPostgresCacheStore } from "./cache/postgres-store";
import { createDatabaseFeedbackStore } from "./feedback/database-feedback-store";
import { startGuardrailEvaluator } from "@/server/experiments/guardrails";
import { startCostImporter } from "@/server/cost-import/importer";
import { startBanditScheduler } from "@/server/experiments/bandit";
import type { RateLimiter } from "./rate-limit/limiter";
import { createMemoryRateLimiter } from "./rate-limit/memory-limiter";
import { RoutingState } from "./routing/routing-state";
import { createUpstreamClient } from "./upstream";
import { UsageWriter } from "./usage-writer";

export interface GatewayRuntime {
  deps: GatewayDeps;
  config: LiveConfig;
  usageWriter: UsageWriter;
  rateLimiter: RateLimiter;
  limits: { maxBodyBytes: number; bodyTimeoutMs: number };
  stop(): Promise<void>;
}

/** Conversation summaries (context/) are kept a week: long enough for a conversation's next turns. */
const SUMMARY_RETENTION_MS = 7 * 86_400_000;

const globalKey = Symbol.for("modelgate.gatewayRuntime");
type Store = typeof globalThis & { [globalKey]?: Promise<GatewayRuntime> };

/** The process's gateway (config snapshot, usage writer, upstream pools), shared by every transport. */
export function getGatewayRuntime(): Promise<GatewayRuntime> {
  const store = globalThis as Store;
  store[globalKey] ??= startGatewayRuntime().catch((error) => {
    delete store[globalKey];
    throw error;
  });
  return store[globalKey];
}

/** Stops the process's runtime if one was started (flushing queued usage rows); a no-op otherwise. */
export async function stopGatewayRuntime(): Promise<void> {
  const running = (globalThis as Store)[globalKey];
  if (running) await (await running).stop();
}

async function startGatewayRuntime(): Promise<GatewayRuntime> {
  const settings = env();
  const handle = await getDatabase();
  const encryptionKey = getEncryptionKey();
  const known = new Set(Object.keys(adapters));
  const config = await startLiveConfig(handle, () => loadSnapshot(handle.db, encryptionKey, known), { refreshIntervalMs: settings.CONFIG_REFRESH_INTERVAL_MS });
  const telemetry = await getTelemetry();
  const writeRows = async (rows: Parameters<typeof insertUsageRows>[1]) => void (await insertUsageRows(handle.db, rows));
  const usageWriter = new UsageWriter({
    write: telemetry.metrics ? telemetry.metrics.timeUsageWrites(writeRows) : writeRows,
    touchKeys: (ids, at) => touchKeysLastUsed(handle.db, ids, at),
    intervalMs: settings.USAGE_FLUSH_INTERVAL_MS,
  });
  usageWriter.start();
  telemetry.metrics?.watchUsageQueue(usageWriter);
  const upstream = createUpstreamClient(
    { connectMs: settings.UPSTREAM_CONNECT_TIMEOUT_MS, firstByteMs: settings.UPSTREAM_FIRST_TOKEN_TIMEOUT_MS, idleMs: settings.UPSTREAM_IDLE_TIMEOUT_MS },
    settings.GATEWAY_ALLOW_PRIVATE_HOSTS,
  );
  // Shared through Redis when REDIS_URL is set (connected on first use); otherwise counted in this process.
  const rateLimiter = settings.REDIS_URL
    ? // Loaded only when configured: the Redis client is ~20 MiB of a replica's idle memory.
      (await import("./rate-limit/redis-limiter")).createRedisRateLimiter({ url: settings.REDIS_URL, commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS })
    : createMemoryRateLimiter();
  // The response cache's answers: in Redis beside the limits when REDIS_URL is set, else in PostgreSQL (pruned every 10 min).
  const responseCache = settings.REDIS_URL
    ? (await import("./cache/redis-store")).createRedisCacheStore({ url: settings.REDIS_URL, commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS })
    : createPostgresCacheStore(handle.db, { pruneIntervalMs: 600_000, raw: handle.raw });
  const instance = { id: crypto.randomUUID(), hostname: hostname(), limiter: rateLimiter.kind, startedAt: new Date() };
  const announce = () => touchGatewayInstance(handle.db, instance).catch((error) => logger.warn("gateway instance heartbeat failed", describeError(error)));
  void announce();
  const heartbeat = setInterval(() => void announce(), 60_000);
  heartbeat.unref();
  // Stored request bodies past their retention, and conversation summaries past a week, go every 10 minutes (any replica; deletes are idempotent).
  const pruneBodies = async () => {
    const before = new Date(Date.now() - settings.REQUEST_BODY_RETENTION_DAYS * 86_400_000);
    for (let batch = 0; batch < 20 && (await pruneRequestBodies(handle.db, before)) === 5_000; batch++);
    await pruneSummaries(handle.db, new Date(Date.now() - SUMMARY_RETENTION_MS));
  };
  const bodyPruner = setInterval(() => void pruneBodies().catch((error) => logger.warn("pruning stored request bodies failed", describeError(error))), 600_000);
  bodyPruner.unref();
  const budgetSweeper = startBudgetSweeper(
    handle.db,
    settings.BUDGET_SWEEP_INTERVAL_MS,
    { intervalMs: 5_000, signingSecret: settings.WEBHOOK_SIGNING_SECRET, allowPrivateHosts: settings.GATEWAY_ALLOW_PRIVATE_HOSTS },
    { earlyMs: settings.CONFIG_REFRESH_INTERVAL_MS + 5_000, lateMs: settings.UPSTREAM_TOTAL_TIMEOUT_MS + RESERVATION_GRACE_MS },
  );
  // A/B guardrails in every replica: a rollback is a conditional update, so one replica makes each decision.
  const guardrails = startGuardrailEvaluator(handle.db, { intervalMs: settings.EXPERIMENT_GUARDRAIL_INTERVAL_MS });
  // Providers' own cost figures, daily: every replica looks for a due source, a conditional update lets one import it.
  const costImporter = startCostImporter(handle.db, `${instance.hostname}:${instance.id}`, {
    intervalMs: settings.COST_IMPORT_CHECK_INTERVAL_MS,
    encryptionKey,
    allowPrivateHosts: settings.GATEWAY_ALLOW_PRIVATE_HOSTS,
    delivery: { signingSecret: settings.WEBHOOK_SIGNING_SECRET, allowPrivateHosts: settings.GATEWAY_ALLOW_PRIVATE_HOSTS },
  });
  // Bandit splits the same way: split_at and a conditional update make one replica decide each interval.
  const bandit = startBanditScheduler(handle.db, { intervalMs: settings.EXPERIMENT_BANDIT_INTERVAL_MS });
  const budgets = createDatabaseBudgetStore(handle.db, {
    ...DEFAULT_LEASE_OPTIONS,
    requestsPerSlice: settings.BUDGET_LEASE_REQUESTS,
    holdTtlMs: settings.UPSTREAM_TOTAL_TIMEOUT_MS + RESERVATION_GRACE_MS,
  });
  // Circuit changes and 429 cool-downs reach every replica through Redis when REDIS_URL is set (routing/shared-routing.ts).
  const routing = new RoutingState();
  const routingEvents = startRoutingEventWriter(handle.db, { replica: `${instance.hostname} · ${instance.id.slice(0, 8)}`, retentionDays: settings.ROUTING_EVENT_RETENTION_DAYS });
  const circuitGauge = telemetry.metrics;
  routing.record = circuitGauge
    ? (event) => {
        routingEvents.record(event);
        if (event.kind === "circuit" && event.state) circuitGauge.setCircuitState(event.subject.group.name, event.deployment, event.state);
      }
    : routingEvents.record;
  const sharedRouting = settings.REDIS_URL
    ? (await import("./routing/shared-routing")).shareRoutingState(routing, { url: settings.REDIS_URL, commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS })
    : undefined;
  const deps: GatewayDeps = {
    config,
    budgets,
    usage: usageWriter,
    upstream,
    adapters,
    responses: createDatabaseResponseStore(handle.db),
    rateLimiter,
    telemetry: telemetry.requests,
    routing,
    contextSummaries: createDatabaseSummaryStore(handle.db),
    responseCache,
    feedback: createDatabaseFeedbackStore(handle.db, { flushUsage: () => usageWriter.flush(true), retryAfterMs: settings.USAGE_FLUSH_INTERVAL_MS * 2 + 100 }),
    options: {
      maxRetries: settings.UPSTREAM_MAX_RETRIES,
      maxRetryAfterMs: settings.UPSTREAM_MAX_RETRY_AFTER_MS,
      firstTokenTimeoutMs: settings.UPSTREAM_FIRST_TOKEN_TIMEOUT_MS,
      totalTimeoutMs: settings.UPSTREAM_TOTAL_TIMEOUT_MS,
      logPrompts: settings.LOG_PROMPTS,
      trustedRegionHeader: settings.TRUSTED_REGION_HEADER,
    },
  };
  return {
    deps,
    config,
    usageWriter,
    rateLimiter,
    limits: { maxBodyBytes: settings.MAX_REQUEST_BODY_BYTES, bodyTimeoutMs: settings.CLIENT_BODY_TIMEOUT_MS },
    async stop() {
      await config.stop();
      await usageWriter.stop(10_000);
      await budgets.stop();
      await telemetry.stop();
      await upstream.close();
      clearInterval(heartbeat);
      clearInterval(bodyPruner);
      budgetSweeper.stop();
      guardrails.stop();
      costImporter.stop();
      bandit.stop();
      await rateLimiter.stop();
      await sharedRouting?.stop();
      await routingEvents.stop();
      await responseCache.stop();
      await removeGatewayInstance(handle.db, instance.id).catch(() => {});
    },
  };
}
