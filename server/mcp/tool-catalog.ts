import type { Tool } from "@modelcontextprotocol/client";
import type { McpToolDefinition } from "@/db/schema/mcp-servers";
import type { McpServerEntry } from "./config/mcp-config-source";
import type { McpUpstream } from "./upstream/mcp-upstream";
import { hashToolDefinition, toToolDefinition } from "./tool-definition";

export interface CatalogTool {
  definition: McpToolDefinition;
  hash: string;
}

export type CatalogEntry = { ok: true; tools: ReadonlyMap<string, CatalogTool> } | { ok: false; reason: string };

/**
 * Each upstream's live tool list, hashed, cached per server for `ttlMs` (a failure for `failureTtlMs`, so a server
 * that is down drops out of tools/list quickly instead of slowing every request). Listing uses the gateway-held
 * credential only. An explicit cache with a TTL, keyed by the server's configuration, so a changed URL or credential
 * is listed afresh.
 */
export function createToolCatalog(upstream: McpUpstream, options: { ttlMs: number; failureTtlMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; ttlMs: number; entry: Promise<CatalogEntry> }>();
  const cacheKey = (server: McpServerEntry) => `${server.id}/${server.url}/${server.authMode}/${server.credential ?? ""}/${server.timeoutMs}`;

  async function load(server: McpServerEntry): Promise<CatalogEntry> {
    const listed = await upstream.listTools(server, { signal: new AbortController().signal, headers: {} });
    if (!listed.ok) return { ok: false, reason: listed.reason };
    return { ok: true, tools: indexTools(listed.value) };
  }

  return {
    get(server: McpServerEntry): Promise<CatalogEntry> {
      const key = cacheKey(server);
      const cached = cache.get(key);
      if (cached && now() - cached.at < cached.ttlMs) return cached.entry;
      const entry = load(server);
      const record = { at: now(), ttlMs: options.ttlMs, entry };
      cache.set(key, record);
      void entry.then((result) => {
        if (!result.ok) record.ttlMs = options.failureTtlMs;
      });
      for (const [other, value] of cache) if (now() - value.at > Math.max(options.ttlMs, options.failureTtlMs) * 10) cache.delete(other);
      return entry;
    },
    clear(): void {
      cache.clear();
    },
  };
}

export function indexTools(tools: readonly Tool[]): Map<string, CatalogTool> {
  const indexed = new Map<string, CatalogTool>();
  for (const tool of tools) {
    if (typeof tool.name !== "string") continue;
    const definition = toToolDefinition(tool);
    indexed.set(tool.name, { definition, hash: hashToolDefinition(definition) });
  }
  return indexed;
}
