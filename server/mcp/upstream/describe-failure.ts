import { RedirectRefusedError } from "./guarded-fetch";

/** A reason safe to show a caller: never the upstream's URL, address or body. */
export function describeUpstreamFailure(error: unknown, signal: AbortSignal, callerSignal: AbortSignal): { reason: string; isTimeout?: boolean } {
  if (callerSignal.aborted) return { reason: "the request was cancelled" };
  if (signal.aborted) return { reason: "the MCP server did not answer in time", isTimeout: true };
  if (error instanceof RedirectRefusedError) return { reason: error.message };
  const codes = collectCodes(error);
  if (codes.includes("EPRIVATEADDRESS")) return { reason: "the MCP server's address is private and not allowed (GATEWAY_ALLOW_PRIVATE_HOSTS)" };
  if (codes.some((code) => code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "ECONNRESET")) return { reason: "the MCP server is unreachable" };
  const status = (error as { code?: unknown })?.code;
  if (typeof status === "number" && status >= 400 && status < 600) return { reason: `the MCP server answered HTTP ${status}` };
  const message = error instanceof Error ? error.message : "";
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden/i.test(message)) return { reason: "the MCP server refused the gateway's credential" };
  if (/^MCP error -?\d+/.test(message)) return { reason: `the MCP server answered an error (${message.slice(0, 160).replace(/https?:\/\/\S+/g, "[url]")})` };
  return { reason: "the MCP server could not be reached" };
}

function collectCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
