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

/** One request's own limits in place of the client's (a model group's timeouts); unset fields keep the client's. */
export type TimeoutOverrides = Partial<UpstreamTimeouts>;

export interface UpstreamClient {
  send(upstream: UpstreamRequest, options: { provider: ProviderId; trusted: boolean; signal: AbortSignal; timeouts?: TimeoutOverrides }): Promise<Result<UpstreamResponse>>;
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

/** Distinct connect timeouts given agents of their own (one pool each); more than this share the default agents. */
const MAX_CONNECT_AGENTS = 16;

export function createUpstreamClient(timeouts: UpstreamTimeouts, allowPrivateHosts: string): UpstreamClient {
  const common = { headersTimeout: timeouts.firstByteMs, bodyTimeout: timeouts.idleMs, keepAliveTimeout: 30_000 };
  const lookup = guardedLookup(parseAllowList(allowPrivateHosts));
  const agentFor = (trusted: boolean, connectMs: number) => new Agent({ ...common, connect: trusted ? { timeout: connectMs } : { timeout: connectMs, lookup } });
  const trustedAgent = agentFor(true, timeouts.connectMs);
  const guardedAgent = agentFor(false, timeouts.connectMs);
  // undici sets the connect timeout per agent: a group's own connect_ms gets its own pair of pooled agents (a cache
  // bounded by MAX_CONNECT_AGENTS, closed with the client); headers and body timeouts are per request.
  const connectAgents = new Map<number, { trusted: Agent; guarded: Agent }>();
  const dispatcherFor = (trusted: boolean, connectMs: number | undefined): Agent => {
    if (connectMs === undefined || connectMs === timeouts.connectMs) return trusted ? trustedAgent : guardedAgent;
    let pair = connectAgents.get(connectMs);
    if (!pair) {
      if (connectAgents.size >= MAX_CONNECT_AGENTS) return trusted ? trustedAgent : guardedAgent;
      pair = { trusted: agentFor(true, connectMs), guarded: agentFor(false, connectMs) };
      connectAgents.set(connectMs, pair);
    }
    return trusted ? pair.trusted : pair.guarded;
  };

  return {
    async send(upstream, { provider, trusted, signal, timeouts: overrides }) {
      try {
        const response = await request(upstream.url, {
          method: upstream.method ?? "POST",
          headers: upstream.headers,
          body: upstream.method === "GET" ? undefined : upstream.body,
          signal,
          dispatcher: dispatcherFor(trusted, overrides?.connectMs),
          ...(overrides?.firstByteMs !== undefined ? { headersTimeout: overrides.firstByteMs } : {}),
          ...(overrides?.idleMs !== undefined ? { bodyTimeout: overrides.idleMs } : {}),
        });
        if (response.statusCode >= 300 && response.statusCode < 400) {
          response.body.destroy();
          return { ok: false, error: { kind: "upstream", provider, status: 502, message: "the provider answered with a redirect, which the gateway does not follow" } };
        }
        const body = response.body;
        const idleMs = overrides?.idleMs;
        // The headers as a Headers object only when read (error bodies, rate-limit resets): a served answer never
        // builds one (about 2.4 KB of garbage and 3 µs per request, npm run bench:profile).
        const raw = response.headers;
        let headers: Headers | undefined;
        return {
          ok: true,
          value: {
            status: response.statusCode,
            get headers() {
              return (headers ??= toHeaders(raw));
            },
            text: () => (idleMs === undefined ? body.text() : readText(watchIdle(body, idleMs))),
            chunks: () => (idleMs === undefined ? body : watchIdle(body, idleMs)),
            stream: () => Readable.toWeb(body) as ReadableStream<Uint8Array>,
            discard: () => body.destroy(),
          },
        };
      } catch (error) {
        return { ok: false, error: classifyUpstreamFailure(error, provider) };
      }
    },
    async close() {
      await Promise.all([trustedAgent, guardedAgent, ...[...connectAgents.values()].flatMap((pair) => [pair.trusted, pair.guarded])].map((agent) => agent.close()));
    },
  };
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * The body's chunks, failing with undici's own body-timeout error when the upstream is silent longer than idleMs while
 * the gateway waits for its next chunk. undici checks its body timeout on a coarse clock (about a second late, measured
 * with undici 7.30), too coarse for a group's idle_ms of a few hundred milliseconds; this clock is exact.
 */
async function* watchIdle(body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown }, idleMs: number): AsyncGenerator<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      timer = setTimeout(() => body.destroy(Object.assign(new Error("the provider sent nothing for too long"), { code: "UND_ERR_BODY_TIMEOUT" })), idleMs);
      const next = await iterator.next();
      clearTimeout(timer);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    await iterator.return?.();
  }
}

async function readText(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString("utf8");
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
