/**
 * The HTTP side of a WebSocket upgrade: which path, which virtual key, and a plain HTTP answer for
 * upgrades we refuse (so an unauthenticated client never gets a socket, and writes no ledger row).
 *
 * References:
 * - RFC 6455 §4.2.2 (a server may refuse the handshake with any HTTP status) and §11.3.4
 *   (Sec-WebSocket-Protocol): https://www.rfc-editor.org/rfc/rfc6455
 * - Browsers cannot set headers on `new WebSocket(url, protocols)`, so the key may travel as a
 *   subprotocol entry, as OpenAI's Realtime API does with `openai-insecure-api-key.<key>`:
 *   https://developers.openai.com/api/docs/guides/realtime-websocket
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import type { OpenAIErrorBody } from "../errors";

/** Paths served by the WebSocket transport. */
export const WEBSOCKET_PATHS = new Set(["/v1/realtime/chat"]);
/** The subprotocol the server selects; clients that offer subprotocols must offer this one. */
export const WEBSOCKET_PROTOCOL = "modelgate.v1";
/** Prefix of the subprotocol entry that carries the virtual key (`modelgate.key.vk_…`). */
export const KEY_PROTOCOL_PREFIX = "modelgate.key.";

export function upgradePath(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const queryAt = url.indexOf("?");
  return (queryAt === -1 ? url : url.slice(0, queryAt)).replace(/\/+$/, "");
}

export function offeredProtocols(request: IncomingMessage): string[] {
  const header = request.headers["sec-websocket-protocol"];
  if (!header) return [];
  return header.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}

/**
 * Header lookup for the requests run over this socket: the upgrade request's headers, with a key
 * sent as a subprotocol entry turned into `Authorization: Bearer`, and the subprotocol header
 * itself hidden so the key cannot travel further.
 */
export function upgradeHeaders(request: IncomingMessage): (name: string) => string | undefined {
  const keyEntry = offeredProtocols(request).find((entry) => entry.startsWith(KEY_PROTOCOL_PREFIX));
  return (name) => {
    const lower = name.toLowerCase();
    if (lower === "sec-websocket-protocol") return undefined;
    const value = request.headers[lower];
    const first = Array.isArray(value) ? value[0] : value;
    if (lower === "authorization" && !first && keyEntry) return `Bearer ${keyEntry.slice(KEY_PROTOCOL_PREFIX.length)}`;
    return first;
  };
}

/** Answers the upgrade request with a plain HTTP error and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, body: OpenAIErrorBody, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(payload)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (socket.writable) socket.end(`${lines.join("\r\n")}\r\n\r\n${payload}`);
  else socket.destroy();
}
