import { Agent, fetch as undiciFetch } from "undici";
import { guardedLookup } from "@/server/gateway/upstream";
import { parseAllowList } from "@/server/security/ssrf";

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Thrown for an upstream redirect: a credential never follows one, and a redirect cannot point the gateway inward. */
export class RedirectRefusedError extends Error {
  constructor() {
    super("the MCP server answered with a redirect, which the gateway does not follow");
    this.name = "RedirectRefusedError";
  }
}

/**
 * The fetch every upstream MCP exchange uses: undici's pooled agent whose DNS lookup refuses private addresses
 * (unless GATEWAY_ALLOW_PRIVATE_HOSTS allows them), checked at connect time on every connection, and no redirects.
 */
export function createGuardedFetch(allowPrivateHosts: string): { fetch: FetchLike; close(): Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 10_000, lookup: guardedLookup(parseAllowList(allowPrivateHosts)) } });
  const guarded: FetchLike = async (url, init) => {
    const response = (await undiciFetch(url, { ...(init as object), redirect: "manual", dispatcher: agent } as never)) as unknown as Response;
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new RedirectRefusedError();
    }
    return response;
  };
  return { fetch: guarded, close: () => agent.close() };
}
