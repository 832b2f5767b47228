import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Database } from "@/db/client";
import { createNodeHandler } from "@/server/gateway/transports/node";
import { createWebSocketRouter } from "@/server/gateway/transports/websocket-router";
import type { GatewayRuntime } from "@/server/gateway/runtime";
import { createMcpNodeHandler } from "@/server/mcp/transports/node";
import { getMcpRuntime } from "@/server/mcp/runtime";
import { answerProbe, isProbePath, type ProcessState } from "./health";
import { InFlightRequests } from "./in-flight";

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface ServeOptions {
  /** The data plane; absent in the console role, where `/v1/*` answers 404. */
  runtime?: GatewayRuntime;
  state: ProcessState;
  db: Database;
  /** Everything that is neither `/v1/*` nor a probe: Next in the all and console roles, a 404 in the gateway role. */
  fallback: RequestListener;
  /** GET /metrics (server/telemetry/serve-metrics.ts), answered here in every role; absent: the path falls through. */
  metrics?: RequestListener;
  /** Upgrades outside `/v1/` (Next's HMR in dev); destroyed when absent. */
  fallbackUpgrade?: UpgradeListener;
}

export interface ModelgateServer {
  server: Server;
  inFlight: InFlightRequests;
  closeWebSockets(): void;
}

/**
 * The one HTTP server of every role. `/v1/*` goes to the gateway's node transport (the hot path,
 * never through Next's router), the probes are answered here, the rest goes to `fallback`.
 * Once draining, every response carries `Connection: close` so keep-alive clients move to another replica.
 */
export function createModelgateServer(options: ServeOptions): ModelgateServer {
  const { runtime, state, db, fallback } = options;
  const inFlight = new InFlightRequests();
  const handleGateway = runtime ? createNodeHandler(async () => runtime.deps, runtime.limits) : undefined;
  const gateway: RequestListener = handleGateway ? (request, response) => void handleGateway(request, response) : refuseDataPlane;
  const mcp: RequestListener = runtime ? ((handleMcp) => (request, response) => void handleMcp(request, response))(createMcpNodeHandler(async () => (await getMcpRuntime()).deps)) : refuseDataPlane;
  const websocket = runtime ? createWebSocketRouter(async () => runtime.deps, runtime.limits) : undefined;

  const server = createServer((request, response) => {
    inFlight.track(response);
    if (state.draining) response.setHeader("connection", "close");
    const url = request.url ?? "/";
    if (url.startsWith("/v1/") || url === "/v1") return gateway(request, response);
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (isProbePath(path)) return void answerProbe(path, response, state, db);
    if (path === "/metrics" && options.metrics) return options.metrics(request, response);
    if (path === "/mcp") return mcp(request, response);
    fallback(request, response);
  });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (state.draining) return void socket.destroy();
    if ((request.url ?? "/").startsWith("/v1/") && websocket) return void websocket.handleUpgrade(request, socket, head);
    if (options.fallbackUpgrade) return options.fallbackUpgrade(request, socket, head);
    socket.destroy();
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0; // streams may run long; body reads have their own timeout
  server.keepAliveTimeout = 65_000;
  return { server, inFlight, closeWebSockets: () => websocket?.close() };
}

function refuseDataPlane(_request: IncomingMessage, response: ServerResponse): void {
  sendError(response, 404, "This modelgate process serves the console only (MODELGATE_ROLE=console); send API requests to a gateway replica.");
}

/** The gateway role's answer to console paths. */
export function refuseConsole(_request: IncomingMessage, response: ServerResponse): void {
  sendError(response, 404, "This modelgate process serves the gateway only (MODELGATE_ROLE=gateway): /v1/*, /mcp, /api/health, /api/ready and /metrics.");
}

function sendError(response: ServerResponse, status: number, message: string): void {
  const payload = JSON.stringify({ error: { message, type: "invalid_request_error", code: "not_found", param: null } });
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }).end(payload);
}
