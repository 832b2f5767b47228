/**
 * Fake upstream MCP servers for the MCP gateway's tests, of both protocol eras, built on the official SDKs so they
 * speak the documented wire format: the 2026-07-28 stateless revision with the 2.x server
 * (https://modelcontextprotocol.io/specification/2026-07-28, `createMcpHandler` serves it and, statelessly, the
 * 2025-era streamable HTTP transport), and the 2025-06-18 streamable HTTP transport with the 1.x SDK
 * (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http, stateless:
 * `sessionIdGenerator: undefined`). Every request's headers are recorded, so a test can prove what reached it.
 * With `requireBearer`, it is an OAuth-protected resource (RFC 6750) that accepts only that access token, and
 * startFakeTokenEndpoint is its authorization server's token endpoint for the client credentials grant
 * (RFC 6749 §4.4: POST grant_type=client_credentials with HTTP Basic client authentication, §2.3.1).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { McpServer as LegacyMcpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { toWebRequest, writeWebResponse } from "@/server/mcp/transports/node";

export interface FakeMcpUpstream {
  url: string;
  /** Headers of every HTTP request received, lower-case names. */
  requests: { method: string; headers: IncomingMessage["headers"] }[];
  /** Calls of each tool, with their arguments. */
  calls: { tool: string; arguments: unknown }[];
  /** When the slow tool's call ended because the caller cancelled it (ms since epoch). */
  slowCancelledAt: number | null;
  /** Changes the echo tool's description (a rug pull). */
  setEchoDescription(description: string): void;
  close(): Promise<void>;
}

interface State {
  echoDescription: string;
  calls: FakeMcpUpstream["calls"];
  slowCancelledAt: number | null;
}

function registerModernTools(server: McpServer, state: State) {
  server.registerTool("echo", { description: state.echoDescription, inputSchema: z.object({ text: z.string() }) }, async ({ text }) => {
    state.calls.push({ tool: "echo", arguments: { text } });
    return { content: [{ type: "text", text: `echo: ${text}` }] };
  });
  server.registerTool("add", { description: "Adds two numbers.", inputSchema: z.object({ a: z.number(), b: z.number() }) }, async ({ a, b }) => {
    state.calls.push({ tool: "add", arguments: { a, b } });
    return { content: [{ type: "text", text: String(a + b) }] };
  });
  server.registerTool("slow", { description: "Waits until cancelled or 30 s.", inputSchema: z.object({}) }, async (_args, context) => {
    state.calls.push({ tool: "slow", arguments: {} });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      context.mcpReq.signal.addEventListener("abort", () => {
        state.slowCancelledAt = Date.now();
        clearTimeout(timer);
        resolve();
      });
    });
    return { content: [{ type: "text", text: "slow done" }] };
  });
  server.registerTool("has space", { description: "A name that cannot be exposed.", inputSchema: z.object({}) }, async () => ({ content: [{ type: "text", text: "x" }] }));
}

function registerLegacyTools(server: LegacyMcpServer, state: State) {
  server.registerTool("echo", { description: state.echoDescription, inputSchema: { text: z.string() } }, async ({ text }) => {
    state.calls.push({ tool: "echo", arguments: { text } });
    return { content: [{ type: "text", text: `echo: ${text}` }] };
  });
  server.registerTool("add", { description: "Adds two numbers.", inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => {
    state.calls.push({ tool: "add", arguments: { a, b } });
    return { content: [{ type: "text", text: String(a + b) }] };
  });
}

/** `era: "modern"` serves with the 2.x SDK (both eras, stateless); `"legacy"` with the 1.x SDK (2025 revisions only). */
export async function startFakeMcpUpstream(options: { era: "modern" | "legacy"; port?: number; requireBearer?: string }): Promise<FakeMcpUpstream> {
  const state: State = { echoDescription: "Echoes the text back.", calls: [], slowCancelledAt: null };
  const requests: FakeMcpUpstream["requests"] = [];
  const modern = createMcpHandler(() => {
    const server = new McpServer({ name: "fake-modern", version: "1.0.0" });
    registerModernTools(server, state);
    return server;
  });
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? "", headers: { ...request.headers } });
    if (options.requireBearer && request.headers.authorization !== `Bearer ${options.requireBearer}`) {
      // RFC 6750 §3: a protected resource answers a missing or wrong token with 401 and WWW-Authenticate.
      response.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"', "content-type": "application/json" }).end('{"error":"invalid_token"}');
      return;
    }
    if (options.era === "modern") {
      const controller = new AbortController();
      response.on("close", () => controller.abort());
      void modern.fetch(toWebRequest(request, controller.signal)).then((answer) => writeWebResponse(response, answer));
      return;
    }
    const legacy = new LegacyMcpServer({ name: "fake-legacy", version: "1.0.0" });
    registerLegacyTools(legacy, state);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on("close", () => void transport.close());
    void legacy.connect(transport).then(() => transport.handleRequest(request, response));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    calls: state.calls,
    get slowCancelledAt() {
      return state.slowCancelledAt;
    },
    setEchoDescription(description) {
      state.echoDescription = description;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeTokenEndpoint {
  url: string;
  /** What each token request carried. */
  requests: { authorization: string | undefined; body: string }[];
  close(): Promise<void>;
}

/** Issues `accessToken` to `clientId`:`clientSecret` for grant_type=client_credentials; 401 invalid_client otherwise. */
export async function startFakeTokenEndpoint(clientId: string, clientSecret: string, accessToken: string): Promise<FakeTokenEndpoint> {
  const requests: FakeTokenEndpoint["requests"] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      requests.push({ authorization: request.headers.authorization, body });
      const expected = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`;
      const form = new URLSearchParams(body);
      if (request.headers.authorization !== expected || form.get("grant_type") !== "client_credentials") {
        response.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid_client"}');
        return;
      }
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ access_token: accessToken, token_type: "Bearer", expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/oauth/token`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
