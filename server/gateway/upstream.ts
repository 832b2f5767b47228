import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import { Agent, request } from "undici";
import { isBlockedAddress, parseAllowList, type AllowList } from "@/server/security/ssrf";
import { sanitizeUpstreamMessage } from "./errors";
import type { GatewayError, ProviderId, Result, UpstreamRequest } from "./types";

/**
 * The one place the gateway talks to providers: undici's pooled agents, per-phase timeouts,
 * the client's abort signal, and no redirects (a credential never follows one).
 */
export interface UpstreamTimeouts {
  connectMs: number;
  /** Until response headers arrive. */
  firstByteMs: number;
  /** Longest silence between body chunks. */
  idleMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** The whole body as text (non-stream answers and error bodies): undici's own reader, no web-stream hop. */
  text(): Promise<string>;
  /** The body as node chunks, for the streaming chain's direct steps (stream/run-stream.ts). */
  chunks(): AsyncIterable<Uint8Array>;
  /** The body as a web stream, for adapters whose steps are still web TransformStreams. */
  stream(): ReadableStream<Uint8Array>;
  /** Drops the body and frees the connection. */
  discard(): void;
}

export interface UpstreamClient {
  send(upstream: UpstreamRequest, options: { provider: ProviderId; trusted: boolean; signal: AbortSignal }): Promise<Result<UpstreamResponse>>;
  close(): Promise<void>;
}

/** A lookup that refuses private addresses, so a public name that later resolves inward (DNS rebinding) is still refused. */
export function guardedLookup(allow: AllowList): LookupFunction {
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, options as never, (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      if (error) return callback(error);
      const host = hostname.toLowerCase();
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      const allowed = allow.all || allow.hosts.has(host) || addresses.every((entry) => !isBlockedAddress(entry) || allow.networks.check(entry, entry.includes(":") ? "ipv6" : "ipv4"));
      if (!allowed) {
        const refusal = Object.assign(new Error("refused: private address"), { code: "EPRIVATEADDRESS" });
        return callback(refusal);
      }
      callback(null, address, family);
    });
  }) as LookupFunction;
}

export function createUpstreamClient(timeouts: UpstreamTimeouts, allowPrivateHosts: string): UpstreamClient {
  const common = { headersTimeout: timeouts.firstByteMs, bodyTimeout: timeouts.idleMs, keepAliveTimeout: 30_000 };
  const trustedAgent = new Agent({ ...common, connect: { timeout: timeouts.connectMs } });
  const guardedAgent = new Agent({ ...common, connect: { timeout: timeouts.connectMs, lookup: guardedLookup(parseAllowList(allowPrivateHosts)) } });

  return {
    async send(upstream, { provider, trusted, signal }) {
      try {
        const response = await request(upstream.url, {
          method: upstream.method ?? "POST",
          headers: upstream.headers,
          body: upstream.method === "GET" ? undefined : upstream.body,
          signal,
          dispatcher: trusted ? trustedAgent : guardedAgent,
        });
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
        }
        if (response.statusCode >= 300 && response.statusCode < 400) {
          response.body.destroy();
          return { ok: false, error: { kind: "upstream", provider, status: 502, message: "the provider answered with a redirect, which the gateway does not follow" } };
        }
        const body = response.body;
        return {
          ok: true,
          value: {
            status: response.statusCode,
            headers,
            text: () => body.text(),
            chunks: () => body,
            stream: () => Readable.toWeb(body) as ReadableStream<Uint8Array>,
            discard: () => body.destroy(),
          },
        };
      } catch (error) {
        return { ok: false, error: classifyUpstreamFailure(error, provider) };
      }
    },
    async close() {
      await Promise.all([trustedAgent.close(), guardedAgent.close()]);
    },
  };
}

/** Maps undici/network failures to GatewayError without leaking hosts or URLs. */
export function classifyUpstreamFailure(error: unknown, provider: ProviderId): GatewayError {
  const code = (error as { code?: string })?.code ?? "";
  const name = (error as { name?: string })?.name ?? "";
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? "";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return { kind: "timeout", phase: "connect" };
  if (code === "UND_ERR_HEADERS_TIMEOUT") return { kind: "timeout", phase: "first_token" };
  if (code === "UND_ERR_BODY_TIMEOUT") return { kind: "timeout", phase: "idle" };
  if (code === "EPRIVATEADDRESS" || cause === "EPRIVATEADDRESS") {
    return { kind: "upstream", provider, status: 502, message: "the provider's address is private and not allowed (GATEWAY_ALLOW_PRIVATE_HOSTS)" };
  }
  // The request signal aborts on the total timeout (TimeoutError) or when the client left (the caller tells those apart).
  if (name === "AbortError" || name === "TimeoutError" || code === "UND_ERR_ABORTED") return { kind: "timeout", phase: "total" };
  const reason = code || cause || name || "network error";
  return { kind: "upstream", provider, status: 502, message: sanitizeUpstreamMessage(`could not reach the provider (${reason})`) };
}
