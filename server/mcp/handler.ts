import { createMcpHandler, hostHeaderValidationResponse, isJsonContentType, originValidationResponse, Server, type McpHttpHandler } from "@modelcontextprotocol/server";
import { authenticate } from "@/server/gateway/authenticate";
import type { KeyEntry } from "@/server/gateway/config/config-source";
import { callExposedTool } from "./call-tool";
import type { McpDeps } from "./contract";
import { grantedServers, listExposedTools, toListedTool } from "./list-tools";
import { httpError, JSON_RPC_UNAUTHORIZED } from "./http-errors";

const SERVER_INFO = { name: "modelgate", version: "0.1.0" };
const INSTRUCTIONS = "modelgate's MCP gateway: every tool is named <server>__<tool>; what a key sees is what it was granted.";

/**
 * POST /mcp, transport-neutral (Web Request in, Response out; transports/node.ts and transports/web.ts adapt it).
 * Gates in order: Host and Origin, method (405), content type (415), the virtual key (401 with WWW-Authenticate),
 * the MCP permission (403); then the SDK serves the request statelessly in either protocol era, with a server
 * instance built for this key. The body size limit is the SDK's (413).
 */
export function createMcpRequestHandler(getDeps: () => Promise<McpDeps>) {
  let sdkHandler: McpHttpHandler | undefined;
  const handlerFor = (deps: McpDeps) =>
    (sdkHandler ??= createMcpHandler(
      ({ authInfo, requestInfo }) => buildServer(deps, authInfo?.extra?.key as KeyEntry, requestInfo),
      { legacy: "stateless", maxRequestBodySize: deps.maxBodyBytes, responseMode: "auto" },
    ));

  return async function handleMcpRequest(request: Request): Promise<Response> {
    const deps = await getDeps();
    const hosts = deps.allowedHosts.includes("*") ? undefined : [...deps.allowedHosts];
    if (hosts) {
      const rejected = hostHeaderValidationResponse(request, hosts) ?? originValidationResponse(request, hosts);
      if (rejected) return rejected;
    }
    if (request.method !== "POST") return httpError(405, -32000, "Method not allowed: this endpoint is stateless, send JSON-RPC with POST.", { allow: "POST" });
    if (!isJsonContentType(request.headers.get("content-type"))) return httpError(415, -32000, "Unsupported Media Type: Content-Type must be application/json.");
    const authenticated = authenticate({ method: "POST", path: "/mcp", header: (name) => request.headers.get(name) ?? undefined, readJson: async () => ({ ok: true, value: null }), signal: request.signal }, deps.keys);
    if (!authenticated.ok) {
      const message = authenticated.error.kind === "unauthorized" && authenticated.error.message ? authenticated.error.message : "Invalid or missing virtual key.";
      return httpError(401, JSON_RPC_UNAUTHORIZED, message, { "www-authenticate": 'Bearer realm="modelgate", error="invalid_token"' }, "invalid_api_key");
    }
    const key = authenticated.value;
    if (grantedServers(deps, key).length === 0) return httpError(403, JSON_RPC_UNAUTHORIZED, "This virtual key has no MCP permission: an admin grants it MCP servers or tools.", {}, "mcp_not_permitted");
    return handlerFor(deps).fetch(request, { authInfo: { token: "", clientId: key.id, scopes: ["mcp"], extra: { key } } });
  };
}

function buildServer(deps: McpDeps, key: KeyEntry, requestInfo: Request | undefined): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler("tools/list", async () => ({ tools: (await listExposedTools(deps, key)).map(toListedTool) }));
  server.setRequestHandler("tools/call", async (request, context) => {
    const tracked = deps.inFlight.track(key.id, context.mcpReq.id);
    try {
      const signal = AbortSignal.any([context.mcpReq.signal, tracked.signal]);
      return await callExposedTool(deps, { key, signal, header: (name) => requestInfo?.headers.get(name) ?? null }, request.params.name, request.params.arguments);
    } finally {
      tracked.release();
    }
  });
  // Stateless: a 2025-era cancellation arrives on its own POST, so it is matched to the key's call in this process.
  server.setNotificationHandler("notifications/cancelled", (notification) => {
    const requestId = notification.params?.requestId;
    if (typeof requestId === "string" || typeof requestId === "number") deps.inFlight.cancel(key.id, requestId);
  });
  return server;
}
