import type { McpServerEntry } from "../config/mcp-config-source";

/** Headers that are never forwarded, whatever a server's allow-list says: the caller's credentials and hop-by-hop headers. */
export const unforwardableHeaders = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "host",
  "content-length",
  "content-type",
  "accept",
  "connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "keep-alive",
  "mcp-session-id",
  "mcp-protocol-version",
  "mcp-method",
  "mcp-name",
  "last-event-id",
  "origin",
]);

export function isForwardableHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return /^[a-z0-9-]{1,64}$/.test(lower) && !unforwardableHeaders.has(lower) && !lower.startsWith("x-forwarded-") && !lower.startsWith("proxy-");
}

/** The inbound headers the server's allow-list names (and that are forwardable at all). */
export function pickForwardedHeaders(server: McpServerEntry, header: (name: string) => string | null | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of server.forwardHeaders) {
    if (!isForwardableHeader(name)) continue;
    const value = header(name);
    if (value != null && value !== "") picked[name.toLowerCase()] = value;
  }
  return picked;
}
