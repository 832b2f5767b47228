/**
 * The WebSocket upgrades `server.ts` hands the gateway, routed by path: `/v1/responses` to OpenAI's
 * Responses WebSocket mode (responses-websocket.ts), every other `/v1/…` path to the multiplexed
 * chat transport (websocket.ts, which serves `/v1/realtime/chat` and answers 404 to the rest).
 */
import type { GatewayDeps } from "../deps";
import type { BodyLimits } from "./node";
import { createResponsesWebSocketTransport, handlesResponsesUpgrade } from "./responses-websocket";
import { createWebSocketTransport, type WebSocketTransport } from "./websocket";

export function createWebSocketRouter(getDeps: () => Promise<GatewayDeps>, limits: BodyLimits, options: { maxAgeMs?: number } = {}): WebSocketTransport {
  const chat = createWebSocketTransport(getDeps, limits);
  const responses = createResponsesWebSocketTransport(getDeps, limits, options);
  return {
    handleUpgrade: (request, socket, head) => (handlesResponsesUpgrade(request) ? responses.handleUpgrade(request, socket, head) : chat.handleUpgrade(request, socket, head)),
    close() {
      chat.close();
      responses.close();
    },
  };
}
