/**
 * OpenAI Responses API WebSocket mode on `GET /v1/responses` (upgrade). Thin: each
 * `response.create` runs through handleGatewayRequest exactly as `POST /v1/responses` with
 * `stream: true`; this file only decodes client events and writes the resulting events.
 *   client → {"type":"response.create", …the POST /v1/responses body…}
 *   server → response.created, response.in_progress, … response.completed | response.incomplete
 *            | (error +) response.failed, each one JSON text frame; or one
 *            {"type":"error","status","error":{type,code,message,param}}
 * One response in flight per socket: a `response.create` sent before the previous response's
 * terminal event is refused (`response_already_in_flight`) and the running one goes on. The
 * socket's latest response stays continuable with previous_response_id, even with store:false
 * (responses-websocket-store.ts). A socket lives at most 60 minutes, then gets
 * `websocket_connection_limit_reached` and is closed (after its in-flight response, if any).
 * References: https://developers.openai.com/api/docs/guides/websocket-mode,
 * https://developers.openai.com/api/reference/resources/responses/websocket-events,
 * https://docs.x.ai/developers/advanced-api-usage/websocket-mode
 * ws 8 server API (noServer, handleUpgrade, handleProtocols, maxPayload):
 * https://github.com/websockets/ws/blob/master/doc/ws.md
 */
import type { IncomingMessage } from "node:http";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { describeError, logger } from "@/server/logger";
import { authenticate } from "../authenticate";
import type { GatewayRequest } from "../contract";
import type { GatewayDeps } from "../deps";
import { toOpenAIError } from "../errors";
import { handleGatewayRequest } from "../handler";
import type { BodyLimits } from "./node";
import { errorEvent, parseClientEvent, sendResponseEvents } from "./responses-websocket-events";
import { createConnectionResponseStore } from "./responses-websocket-store";
import type { WebSocketTransport } from "./websocket";
import { startKeepAlive } from "./websocket-keep-alive";
import { send, type Sender } from "./websocket-messages";
import { refuseUpgrade, upgradeHeaders, upgradePath, WEBSOCKET_PROTOCOL } from "./websocket-upgrade";

export const RESPONSES_WEBSOCKET_PATH = "/v1/responses";
/** OpenAI's documented connection lifetime for WebSocket mode. */
export const MAX_CONNECTION_AGE_MS = 60 * 60 * 1000;

const invalid = (message: string, code: string) => toOpenAIError({ kind: "invalid_request", message, code });
const ALREADY_IN_FLIGHT = invalid("A response is already in progress on this connection; send the next response.create after its terminal event.", "response_already_in_flight");
const CONNECTION_LIMIT = invalid(`This connection reached its ${MAX_CONNECTION_AGE_MS / 60_000}-minute limit; open a new one.`, "websocket_connection_limit_reached");

export function createResponsesWebSocketTransport(getDeps: () => Promise<GatewayDeps>, limits: BodyLimits, options: { maxAgeMs?: number } = {}): WebSocketTransport {
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxBodyBytes,
    perMessageDeflate: false,
    // Browsers pass the key as `modelgate.key.<key>` beside `modelgate.v1` (websocket-upgrade.ts); other clients offer none.
    handleProtocols: (protocols) => (protocols.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false),
  });
  const maxAgeMs = options.maxAgeMs ?? MAX_CONNECTION_AGE_MS;
  return {
    async handleUpgrade(request, socket, head) {
      socket.on("error", () => socket.destroy());
      try {
        const deps = await getDeps();
        const header = upgradeHeaders(request);
        const key = authenticate({ method: "GET", path: upgradePath(request), header, readJson: async () => ({ ok: true, value: null }), signal: new AbortController().signal }, deps.config);
        if (!key.ok) return refuseUpgrade(socket, 401, toOpenAIError(key.error).body);
        server.handleUpgrade(request, socket, head, (websocket) => serveConnection(websocket, header, deps, { stallMs: limits.bodyTimeoutMs, maxAgeMs }));
      } catch (error) {
        logger.error("websocket upgrade failed", describeError(error));
        refuseUpgrade(socket, 500, toOpenAIError({ kind: "internal" }).body);
      }
    },
    close() {
      for (const websocket of server.clients) websocket.close(1001, "server shutting down");
    },
  };
}

export function handlesResponsesUpgrade(request: IncomingMessage): boolean {
  return upgradePath(request) === RESPONSES_WEBSOCKET_PATH;
}

function serveConnection(websocket: WebSocket, header: GatewayRequest["header"], deps: GatewayDeps, options: { stallMs: number; maxAgeMs: number }): void {
  const connectionDeps: GatewayDeps = { ...deps, responses: createConnectionResponseStore(deps.responses) };
  const sender: Sender = { websocket, stallMs: options.stallMs };
  let inFlight: AbortController | undefined;
  let isExpired = false;
  const closeExpired = () => void send(sender, errorEvent(CONNECTION_LIMIT)).then(() => websocket.close(1000, "connection limit reached"));
  const ageTimer = setTimeout(() => {
    isExpired = true;
    if (!inFlight) closeExpired();
  }, options.maxAgeMs);
  ageTimer.unref();
  const stopKeepAlive = startKeepAlive(websocket);
  websocket.on("error", () => websocket.terminate());
  websocket.on("close", () => {
    stopKeepAlive();
    clearTimeout(ageTimer);
    inFlight?.abort();
  });

  websocket.on("message", (data: RawData, isBinary: boolean) => {
    const event = parseClientEvent(data, isBinary);
    if (event.type === "rejected") return void send(sender, errorEvent(event.error));
    if (isExpired) return void send(sender, errorEvent(CONNECTION_LIMIT));
    if (inFlight) return void send(sender, errorEvent(ALREADY_IN_FLIGHT));
    const controller = new AbortController();
    inFlight = controller;
    void runResponse(event.body, controller.signal).finally(() => {
      if (inFlight === controller) inFlight = undefined;
      if (isExpired && websocket.readyState === websocket.OPEN) closeExpired();
    });
  });

  async function runResponse(body: Record<string, unknown>, signal: AbortSignal): Promise<void> {
    const request: GatewayRequest = { method: "POST", path: RESPONSES_WEBSOCKET_PATH, header, readJson: async () => ({ ok: true, value: body }), signal };
    try {
      await sendResponseEvents(sender, await handleGatewayRequest(request, connectionDeps), signal);
    } catch (error) {
      logger.error("websocket response failed", describeError(error));
      await send(sender, errorEvent(toOpenAIError({ kind: "internal" })));
    }
  }
}
