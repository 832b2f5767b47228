/**
 * Heartbeat shared by the WebSocket endpoints: a ping every 30 s; a socket that has not answered
 * the previous ping with a pong by then is terminated (a dead peer or a half-open TCP connection).
 * ws ping/pong: https://github.com/websockets/ws/blob/master/doc/ws.md#how-to-detect-and-close-broken-connections
 */
import type { WebSocket } from "ws";

export const KEEP_ALIVE_MS = 30_000;

/** Starts the heartbeat; the returned function stops it (call it on `close`). */
export function startKeepAlive(websocket: WebSocket, intervalMs = KEEP_ALIVE_MS): () => void {
  let isAlive = true;
  const onPong = () => void (isAlive = true);
  const timer = setInterval(() => {
    if (!isAlive) return void websocket.terminate();
    isAlive = false;
    websocket.ping();
  }, intervalMs);
  timer.unref();
  websocket.on("pong", onPong);
  return () => {
    clearInterval(timer);
    websocket.off("pong", onPong);
  };
}
