import { Client, SSEClientTransport, StreamableHTTPClientTransport, type CallToolResult, type Tool } from "@modelcontextprotocol/client";
import type { McpServerEntry } from "../config/mcp-config-source";
import { describeUpstreamFailure } from "./describe-failure";
import type { FetchLike } from "./guarded-fetch";
import { createTokenSource } from "./oauth-token";

export type UpstreamResult<T> = { ok: true; value: T } | { ok: false; reason: string; isTimeout?: boolean };

export interface UpstreamCallOptions {
  signal: AbortSignal;
  /** Allow-listed inbound headers (never the caller's Authorization). */
  headers: Record<string, string>;
}

/** Talks to upstream MCP servers with the official client SDK, the gateway-held credential and the server's timeout. */
export interface McpUpstream {
  listTools(server: McpServerEntry, options: UpstreamCallOptions): Promise<UpstreamResult<Tool[]>>;
  callTool(server: McpServerEntry, tool: string, args: Record<string, unknown> | undefined, options: UpstreamCallOptions): Promise<UpstreamResult<CallToolResult>>;
}

const CLIENT_INFO = { name: "modelgate-mcp-gateway", version: "0.1.0" };
const MAX_LISTED_PAGES = 20;

export function createMcpUpstream(fetch: FetchLike): McpUpstream {
  const tokens = createTokenSource(fetch);

  async function withClient<T>(server: McpServerEntry, options: UpstreamCallOptions, run: (client: Client, signal: AbortSignal) => Promise<T>): Promise<UpstreamResult<T>> {
    const signal = AbortSignal.any([options.signal, AbortSignal.timeout(server.timeoutMs)]);
    let client: Client | undefined;
    try {
      const headers: Record<string, string> = { ...options.headers, ...(await authHeaders(server, signal)) };
      const url = new URL(server.url);
      const requestInit: RequestInit = { headers };
      // Every HTTP exchange of this call also ends with the caller's signal: with a 2025-era upstream, which a
      // stateless gateway cannot send a correlated notifications/cancelled, the closed connection is the cancellation.
      const callFetch: FetchLike = (target, init) => fetch(target, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      const transport =
        server.transport === "sse"
          ? new SSEClientTransport(url, { fetch: callFetch, requestInit })
          : new StreamableHTTPClientTransport(url, { fetch: callFetch, requestInit, redirectPolicy: "same-origin" });
      // "auto": server/discover first (the 2026-07-28 stateless revision), the 2025 initialize handshake otherwise.
      client = new Client(CLIENT_INFO, { capabilities: {}, versionNegotiation: { mode: "auto" } });
      await client.connect(transport, { signal, timeout: server.timeoutMs });
      return { ok: true, value: await run(client, signal) };
    } catch (error) {
      return { ok: false, ...describeUpstreamFailure(error, signal, options.signal) };
    } finally {
      void client?.close().catch(() => {});
    }
  }

  async function authHeaders(server: McpServerEntry, signal: AbortSignal): Promise<Record<string, string>> {
    if (server.authMode === "header" && server.authHeaderName && server.credential) return { [server.authHeaderName]: server.credential };
    if (server.authMode === "oauth_client_credentials") return { authorization: `Bearer ${await tokens.accessToken(server, signal)}` };
    return {};
  }

  return {
    listTools: (server, options) =>
      withClient(server, options, async (client, signal) => {
        const tools: Tool[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_LISTED_PAGES; page++) {
          const result = await client.listTools(cursor ? { cursor } : {}, { signal, timeout: server.timeoutMs });
          tools.push(...result.tools);
          cursor = result.nextCursor;
          if (!cursor) break;
        }
        return tools;
      }),
    callTool: (server, tool, args, options) =>
      withClient(server, options, (client, signal) => client.callTool({ name: tool, arguments: args }, { signal, timeout: server.timeoutMs }) as Promise<CallToolResult>),
  };
}
