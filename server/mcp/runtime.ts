import { getDatabase } from "@/db/client";
import { insertMcpCalls, insertMcpDenials } from "@/db/queries/mcp-snapshot";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { env } from "@/server/env";
import { getGatewayRuntime } from "@/server/gateway/runtime";
import { getTelemetry } from "@/server/telemetry/telemetry";
import { createMcpWriter } from "./call-writer";
import { allowedMcpHosts } from "./allowed-hosts";
import { loadMcpSnapshot } from "./config/load-mcp-snapshot";
import { startLiveMcpConfig } from "./config/live-mcp-config";
import type { McpDeps } from "./contract";
import { createDefinitionObserver } from "./observe-definitions";
import { createInFlightCalls } from "./in-flight-calls";
import { createToolCatalog } from "./tool-catalog";
import { createGuardedFetch } from "./upstream/guarded-fetch";
import { createMcpUpstream } from "./upstream/mcp-upstream";

export interface McpRuntime {
  deps: McpDeps;
  stop(): Promise<void>;
}

const globalKey = Symbol.for("modelgate.mcpRuntime");
type Store = typeof globalThis & { [globalKey]?: Promise<McpRuntime> };

/** The process's MCP gateway (its snapshot, upstream pool, call writer), beside the model gateway's runtime. */
export function getMcpRuntime(): Promise<McpRuntime> {
  const store = globalThis as Store;
  store[globalKey] ??= startMcpRuntime().catch((error) => {
    delete store[globalKey];
    throw error;
  });
  return store[globalKey];
}

export async function stopMcpRuntime(): Promise<void> {
  const running = (globalThis as Store)[globalKey];
  if (running) await (await running).stop();
}

async function startMcpRuntime(): Promise<McpRuntime> {
  const settings = env();
  const gateway = await getGatewayRuntime();
  const handle = await getDatabase();
  const encryptionKey = getEncryptionKey();
  const config = await startLiveMcpConfig(handle, () => loadMcpSnapshot(handle.db, encryptionKey), { refreshIntervalMs: settings.CONFIG_REFRESH_INTERVAL_MS });
  const guarded = createGuardedFetch(settings.GATEWAY_ALLOW_PRIVATE_HOSTS);
  const upstream = createMcpUpstream(guarded.fetch);
  const writer = createMcpWriter({
    writeCalls: (rows) => insertMcpCalls(handle.db, rows),
    writeDenials: (rows) => insertMcpDenials(handle.db, rows),
    intervalMs: settings.USAGE_FLUSH_INTERVAL_MS,
  });
  const telemetry = await getTelemetry();
  const deps: McpDeps = {
    tracing: telemetry.tracing,
    keys: gateway.deps.config,
    config,
    upstream,
    catalog: createToolCatalog(upstream, { ttlMs: 10_000, failureTtlMs: 5_000 }),
    recordCall: writer.recordCall,
    audit: writer.audit,
    rateLimiter: gateway.rateLimiter,
    budgets: gateway.deps.budgets,
    usage: gateway.deps.usage,
    inFlight: createInFlightCalls(),
    observeDefinition: createDefinitionObserver(handle.db),
    allowedHosts: allowedMcpHosts(settings.MCP_ALLOWED_HOSTS, settings.PUBLIC_URL),
    maxBodyBytes: Math.min(settings.MAX_REQUEST_BODY_BYTES, 4 * 1024 * 1024),
  };
  return {
    deps,
    async stop() {
      await config.stop();
      await writer.stop();
      await guarded.close();
    },
  };
}
