/**
 * An in-process MCP gateway for the endpoint tests: the node transport on a random port, in-memory configuration
 * (one org, keys made with issueToken), the real upstream client and tool catalog, and recording sinks.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createStaticConfigSource, type KeyEntry } from "@/server/gateway/config/config-source";
import type { UsageRow } from "@/db/queries/usage-ledger";
import type { BudgetEntry } from "@/server/gateway/budget/applicable";
import type { BudgetStore } from "@/server/gateway/budget/reserve";
import { createMemoryRateLimiter } from "@/server/gateway/rate-limit/memory-limiter";
import { issueToken } from "@/server/crypto/tokens";
import { createStaticMcpConfig, type McpGrantEntry, type McpServerEntry, type McpSnapshot } from "../config/mcp-config-source";
import type { McpAuditEvent, McpCallRecord, McpDeps } from "../contract";
import { createInFlightCalls } from "../in-flight-calls";
import { createToolCatalog } from "../tool-catalog";
import { createMcpNodeHandler } from "../transports/node";
import { createGuardedFetch } from "../upstream/guarded-fetch";
import { createMcpUpstream } from "../upstream/mcp-upstream";

export const ORG = "00000000-0000-4000-8000-000000000001";

export function keyEntry(name: string, teamId: string | null = null): { token: string; entry: KeyEntry } {
  const issued = issueToken("vk");
  return { token: issued.token, entry: { id: crypto.randomUUID(), orgId: ORG, teamId, name, prefix: issued.prefix, hash: issued.hash, allowedModels: null, expiresAt: null } };
}

export function serverEntry(slug: string, url: string, extra: Partial<McpServerEntry> = {}): McpServerEntry {
  return { id: crypto.randomUUID(), orgId: ORG, slug, name: slug, url, transport: "streamable_http", authMode: "none", authHeaderName: null, credential: null, oauthTokenUrl: null, oauthClientId: null, oauthScope: null, timeoutMs: 5_000, forwardHeaders: [], logArguments: false, ...extra };
}

export function grant(subject: "key" | "team", subjectId: string, serverId: string | null, extra: Partial<McpGrantEntry> = {}): McpGrantEntry {
  return { id: crypto.randomUUID(), orgId: ORG, subject, subjectId, serverId, tool: "*", rpm: null, concurrency: null, costPerCallUsd: "0", ...extra };
}

export interface McpWorld {
  url: string;
  deps: McpDeps;
  calls: McpCallRecord[];
  denials: McpAuditEvent[];
  /** Rows for the model gateway's usage ledger (calls that reached their upstream). */
  ledger: UsageRow[];
  /** Replaces the MCP snapshot (as a NOTIFY-driven reload would). */
  setSnapshot(snapshot: McpSnapshot): void;
  close(): Promise<void>;
}

export interface WorldOptions {
  budgets?: BudgetEntry[];
  budgetStore?: BudgetStore;
}

export async function startMcpWorld(keys: KeyEntry[], snapshot: McpSnapshot, options: WorldOptions = {}): Promise<McpWorld> {
  const guarded = createGuardedFetch("*");
  const upstream = createMcpUpstream(guarded.fetch);
  const calls: McpCallRecord[] = [];
  const denials: McpAuditEvent[] = [];
  const ledger: UsageRow[] = [];
  const limiter = createMemoryRateLimiter();
  let config = createStaticMcpConfig(snapshot);
  const deps: McpDeps = {
    keys: createStaticConfigSource({ keys, models: [], budgets: options.budgets }),
    get config() {
      return config;
    },
    upstream,
    catalog: createToolCatalog(upstream, { ttlMs: 10_000, failureTtlMs: 5_000 }),
    recordCall: (record) => calls.push(record),
    audit: (event) => denials.push(event),
    rateLimiter: limiter,
    budgets: options.budgetStore,
    usage: { record: (row) => ledger.push(row) },
    inFlight: createInFlightCalls(),
    allowedHosts: ["localhost", "127.0.0.1"],
    maxBodyBytes: 64 * 1024,
  };
  const handler = createMcpNodeHandler(async () => deps);
  const server: Server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    deps,
    calls,
    denials,
    ledger,
    setSnapshot(next) {
      config = createStaticMcpConfig(next);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await guarded.close();
      await limiter.stop();
    },
  };
}

/** The approved hashes of everything the upstream lists now (what an admin approving every tool stores). */
export async function approveEverything(deps: McpDeps, server: McpServerEntry): Promise<McpSnapshot["approved"]> {
  const entry = await deps.catalog.get(server);
  if (!entry.ok) throw new Error(entry.reason);
  return [...entry.tools].map(([tool, value]) => ({ serverId: server.id, tool, hash: value.hash }));
}
