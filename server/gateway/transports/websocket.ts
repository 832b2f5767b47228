/**
 * WebSocket transport: streamed chat completions over one socket, several requests multiplexed by
 * a client-chosen id. Thin: every request runs through handleGatewayRequest exactly as the node
 * transport's `POST /v1/chat/completions` with `stream: true`; this file only decodes client
 * messages and encodes OutboundFrames. Protocol (README "WebSocket streaming"):
 *   client → {"type":"chat.completions.create","id","request":{…}} | {"type":"cancel","id"}
 *   server → {"type":"chunk","id","data":<chat.completion.chunk>}… then exactly one of
 *            {"type":"done","id"} | {"type":"error","id","status","error":{message,type,code,param}}
 * A frame that is not JSON (or binary) closes the socket with 1008; a larger one than
 * MAX_REQUEST_BODY_BYTES closes it with 1009 (ws's maxPayload).
 *
 * OpenAI's Responses WebSocket mode (`/v1/responses`, `response.create` events, one response at a
 * time per socket) is served beside it by responses-websocket.ts; websocket-router.ts picks by path.
 * ws 8 server API (noServer, handleUpgrade, handleProtocols, maxPayload, send callback, ping/pong):
 * https://github.com/websockets/ws/blob/master/doc/ws.md — close codes: RFC 6455 §7.4.1.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { authenticate } from "../authenticate";
import type { GatewayRequest } from "../contract";
import type { GatewayDeps } from "../deps";
import { toOpenAIError } from "../errors";
import { handleGatewayRequest } from "../handler";
import { describeError, logger } from "@/server/logger";
import type { BodyLimits } from "./node";
import { offeredProtocols, refuseUpgrade, upgradeHeaders, upgradePath, WEBSOCKET_PATHS, WEBSOCKET_PROTOCOL } from "./websocket-upgrade";
import { startKeepAlive } from "./websocket-keep-alive";
import { parseClientMessage, sendAll, sendResult, type Sender } from "./websocket-messages";

export interface WebSocketTransport {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  /** Closes every open socket with 1001 (going away); in-flight requests are aborted. */
  close(): void;
}

export function createWebSocketTransport(getDeps: () => Promise<GatewayDeps>, limits: BodyLimits): WebSocketTransport {
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxBodyBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false),
  });
  return {
    async handleUpgrade(request, socket, head) {
      socket.on("error", () => socket.destroy());
      if (!WEBSOCKET_PATHS.has(upgradePath(request))) {
        return refuseUpgrade(socket, 404, toOpenAIError({ kind: "not_found", message: `Unknown WebSocket endpoint: ${upgradePath(request)}` }).body);
      }
      const protocols = offeredProtocols(request);
      if (protocols.length > 0 && !protocols.includes(WEBSOCKET_PROTOCOL)) {
        const message = `Offer the '${WEBSOCKET_PROTOCOL}' subprotocol alongside the key entry.`;
        return refuseUpgrade(socket, 400, toOpenAIError({ kind: "invalid_request", message, code: "unsupported_subprotocol" }).body);
      }
      try {
        const deps = await getDeps();
        const header = upgradeHeaders(request);
        const key = authenticate({ method: "GET", path: upgradePath(request), header, readJson: async () => ({ ok: true, value: null }), signal: new AbortController().signal }, deps.config);
        if (!key.ok) return refuseUpgrade(socket, 401, toOpenAIError(key.error).body);
        server.handleUpgrade(request, socket, head, (websocket) => serveConnection(websocket, header, deps, limits));
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

function serveConnection(websocket: WebSocket, header: GatewayRequest["header"], deps: GatewayDeps, limits: BodyLimits): void {
  const inFlight = new Map<string, AbortController>();
  const sender: Sender = { websocket, stallMs: limits.bodyTimeoutMs };
  const stopKeepAlive = startKeepAlive(websocket);
  websocket.on("error", () => websocket.terminate());
  websocket.on("close", () => {
    stopKeepAlive();
    for (const controller of inFlight.values()) controller.abort();
    inFlight.clear();
  });

  websocket.on("message", (data: RawData, isBinary: boolean) => {
    const message = parseClientMessage(data, isBinary);
    if (message.type === "invalid_frame") return void websocket.close(1008, message.reason);
    if (message.type === "rejected") return void sendAll(sender, message.id, [{ type: "error", status: message.error.status, body: message.error.body }]);
    if (message.type === "cancel") return void inFlight.get(message.id)?.abort();
    if (inFlight.has(message.id)) {
      const error = toOpenAIError({ kind: "invalid_request", message: `A request with id '${message.id}' is already in flight.`, code: "duplicate_id", param: "id" });
      return void sendAll(sender, message.id, [{ type: "error", status: error.status, body: error.body }]);
    }
    const controller = new AbortController();
    inFlight.set(message.id, controller);
    void runRequest(message.id, message.request, controller.signal).finally(() => {
      if (inFlight.get(message.id) === controller) inFlight.delete(message.id);
    });
  });

  async function runRequest(id: string, body: unknown, signal: AbortSignal): Promise<void> {
    const forced = typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body, stream: true } : body;
    const request: GatewayRequest = { method: "POST", path: "/v1/chat/completions", header, readJson: async () => ({ ok: true, value: forced }), signal };
    try {
      await sendResult(sender, id, await handleGatewayRequest(request, deps), signal);
    } catch (error) {
      logger.error("websocket request failed", describeError(error));
      const mapped = toOpenAIError({ kind: "internal" });
      await sendAll(sender, id, [{ type: "error", status: mapped.status, body: mapped.body }]);
    }
  }
}
