/* eslint-disable @typescript-eslint/no-explicit-any */
import type { BudgetEntry } from "../budget/applicable";
import type { BudgetStore } from "../budget/reserve";
import type { UsageSink } from "../usage-writer";
import { expect } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import type { UsageRow } from "@/db/queries/usage-ledger";
import { issueToken } from "@/server/crypto/tokens";
import { adapters } from "@/server/providers";
import { createStaticConfigSource, type ConnectionEntry, type KeyEntry, type ModelEntry } from "../config/config-source";
import type { GatewayDeps } from "../deps";
import type { PolicyResidencyEntry, PolicyRuleEntry } from "../policy/rule-definition";
import type { RateLimiter } from "../rate-limit/limiter";
import type { RateLimitEntry } from "../rate-limit/rules";
import { createNodeHandler } from "../transports/node";
import { createWebSocketTransport } from "../transports/websocket";
import { createWebSocketRouter } from "../transports/websocket-router";
import { createUpstreamClient } from "../upstream";
import type { ProviderId } from "../types";
import type { GroupRow } from "../routing/group-entry";
import type { RoutingState } from "../routing/routing-state";
import type { ExperimentEntry } from "../experiments/assign-variant";
import type { CacheStore } from "../cache/cache-store";

export const ORG = "00000000-0000-4000-8000-000000000001";

export function makeKey(overrides: Partial<KeyEntry> = {}): { token: string; entry: KeyEntry } {
  const issued = issueToken("vk");
  return {
    token: issued.token,
    entry: { id: crypto.randomUUID(), orgId: ORG, teamId: null, name: "test", prefix: issued.prefix, hash: issued.hash, allowedModels: null, expiresAt: null, ...overrides },
  };
}

export function makeModel(name: string, kind: ProviderId, baseUrl: string, apiKey: string, upstreamModel: string): ModelEntry {
  const connection: ConnectionEntry = { id: crypto.randomUUID(), orgId: ORG, kind, name: kind, baseUrl, apiKey, trusted: true, region: null };
  return {
    id: crypto.randomUUID(),
    orgId: ORG,
    name,
    upstreamModel,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    region: null,
    createdAt: Date.now(),
    connection,
    prices: [{ id: crypto.randomUUID(), effectiveFrom: 0, inputPerMtok: "0.15", outputPerMtok: "0.60", cachedInputPerMtok: "0.075", cacheWritePerMtok: null }],
  };
}

/** A gateway on a random port with an in-memory config and a capturing usage sink. */
export async function startTestGateway(options: {
  keys: KeyEntry[];
  models: ModelEntry[];
  firstTokenTimeoutMs?: number;
  idleMs?: number;
  maxBodyBytes?: number;
  maxRetries?: number;
  rateLimits?: RateLimitEntry[];
  rateLimiter?: RateLimiter;
  budgets?: BudgetEntry[];
  budgetStore?: BudgetStore;
  /** Where ledger rows go besides `rows` (e.g. a UsageWriter on a test database). */
  usage?: UsageSink;
  policyRules?: PolicyRuleEntry[];
  policyResidency?: PolicyResidencyEntry[];
  trustedRegionHeader?: string;
  groups?: GroupRow[];
  routing?: RoutingState;
  experiments?: ExperimentEntry[];
  responseCache?: CacheStore;
}) {
  const rows: UsageRow[] = [];
  const upstream = createUpstreamClient({ connectMs: 2000, firstByteMs: options.firstTokenTimeoutMs ?? 5000, idleMs: options.idleMs ?? 5000 }, "*");
  const deps: GatewayDeps = {
    config: createStaticConfigSource({
      keys: options.keys,
      models: options.models,
      rateLimits: options.rateLimits,
      budgets: options.budgets,
      policyRules: options.policyRules,
      policyResidency: options.policyResidency,
      groups: options.groups,
      experiments: options.experiments,
    }),
    usage: {
      record: (row) => {
        rows.push(row);
        options.usage?.record(row);
      },
    },
    upstream,
    adapters,
    options: { maxRetries: options.maxRetries ?? 0, maxRetryAfterMs: 2000, firstTokenTimeoutMs: options.firstTokenTimeoutMs ?? 5000, totalTimeoutMs: 30_000, logPrompts: false, trustedRegionHeader: options.trustedRegionHeader },
    rateLimiter: options.rateLimiter,
    budgets: options.budgetStore,
    routing: options.routing,
    responseCache: options.responseCache,
  };
  const limits = { maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, bodyTimeoutMs: 2000 };
  const handler = createNodeHandler(async () => deps, limits);
  const server = http.createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    rows,
    server,
    deps,
    limits,
    /** Resolves once the ledger holds `count` rows (settling runs off the response path). */
    async waitForRows(count: number, timeoutMs = 3000): Promise<UsageRow[]> {
      const deadline = Date.now() + timeoutMs;
      while (rows.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      return rows;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    },
  };
}

/** Mounts the WebSocket transport on a test gateway's port, as server.ts does; close it before the gateway. */
export function attachWebSocketTransport(gateway: Pick<Awaited<ReturnType<typeof startTestGateway>>, "url" | "server" | "deps" | "limits">) {
  const transport = createWebSocketTransport(async () => gateway.deps, gateway.limits);
  gateway.server.on("upgrade", (request, socket, head) => void transport.handleUpgrade(request, socket, head));
  return { url: `${gateway.url.replace(/^http/, "ws")}/v1/realtime/chat`, close: () => transport.close() };
}

/**
 * Mounts the WebSocket router server.ts uses (`/v1/responses` WebSocket mode + `/v1/realtime/chat`)
 * on a test gateway's port; use it instead of attachWebSocketTransport, not beside it. Close it before the gateway.
 */
export function attachWebSocketRouter(gateway: Pick<Awaited<ReturnType<typeof startTestGateway>>, "url" | "server" | "deps" | "limits">, options: { maxAgeMs?: number } = {}) {
  const router = createWebSocketRouter(async () => gateway.deps, gateway.limits, options);
  gateway.server.on("upgrade", (request, socket, head) => void router.handleUpgrade(request, socket, head));
  const base = gateway.url.replace(/^http/, "ws");
  return { responsesUrl: `${base}/v1/responses`, chatUrl: `${base}/v1/realtime/chat`, close: () => router.close() };
}

/** Polls until `check` holds or `timeoutMs` passes; the caller asserts what it waited for. */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * An open WebSocket plus every JSON message it received, in order. The virtual key rides as a Bearer header when
 * `token` is given, or in `protocols` (`modelgate.key.…`, as browsers send it).
 */
export async function openWebSocket<Message>(url: string, options: { token?: string; protocols?: string[] }): Promise<{ socket: WebSocket; messages: Message[] }> {
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
  const socket = new WebSocket(url, options.protocols ?? [], { headers });
  const messages: Message[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  return { socket, messages };
}

/** The HTTP answer to a WebSocket upgrade the gateway refuses; rejects if the upgrade was accepted. */
export function refusedUpgrade(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    socket.on("open", () => reject(new Error("upgrade was accepted")));
    socket.on("error", () => {});
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
  });
}

/** Reads an SSE body into its data payloads. */
export async function readSse(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n"))
    .filter((data) => data.length > 0);
}

/** POSTs a JSON body (or a raw string) with a virtual key, as a client would. */
export function postJson(url: string, token: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}

/**
 * Reads an OpenAI-shaped SSE body that must have finished cleanly: ends with [DONE], the deltas
 * join to `text`, and a finish chunk says `stop`. Returns the parsed chunks for further checks.
 */
export async function readCleanChatStream(response: Response, text: string): Promise<any[]> {
  const events = await readSse(response);
  expect(events.at(-1)).toBe("[DONE]");
  const chunks = events.slice(0, -1).map((data) => JSON.parse(data));
  expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("")).toBe(text);
  expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("stop");
  return chunks;
}

/** What each fake answers in its "tool" scenario, by the test models' names (OpenAI, Anthropic, Gemini fakes). */
export const fakeToolInputs: Record<string, Record<string, unknown>> = {
  mini: { location: "Paris", unit: "celsius" },
  haiku: { location: "Paris" },
  flash: { location: "fake" },
};
