/**
 * Shared harness for the in-repo fake providers. Each fake speaks one provider's wire format
 * (see its own header comment for the reference it follows), validates requests strictly,
 * and records what it received so tests can assert on the translated request.
 *
 * Scenario directives, placed anywhere in the last user message's text:
 *   [[fake:tool]]        answer with a tool call to the first declared tool
 *   [[fake:cut]]         stream two text deltas, then destroy the socket (no end marker)
 *   [[fake:stall]]       stream one text delta, then send nothing until the client leaves
 *   [[fake:slow]]        stream one delta every 100 ms for 100 deltas (client-abort tests)
 *   [[fake:error:NNN]]   answer HTTP NNN with the provider's documented error body
 *   [[fake:nousage]]     stream without any usage
 *   [[fake:cached]]      report cached prompt tokens in usage
 *   [[fake:promptcache]] count the prompt's tokens and honour the provider's prompt caching (Anthropic: cache_control)
 *
 * Inspection over HTTP (tests run in other processes than the fake):
 *   GET  /__fake/requests   → RecordedRequest[]
 *   POST /__fake/reset      → clears the record
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  scenario: Scenario;
  /** "completed" when the fake finished its answer, "client_closed" when the client went away first. */
  outcome: "pending" | "completed" | "client_closed" | "cut" | "rejected";
}

export type Scenario =
  | { name: "text" }
  | { name: "tool" }
  | { name: "cut" }
  | { name: "stall" }
  | { name: "slow" }
  | { name: "error"; status: number }
  | { name: "nousage" }
  | { name: "cached" }
  | { name: "promptcache" };

export interface FakeContext {
  request: http.IncomingMessage;
  response: http.ServerResponse;
  url: URL;
  body: unknown;
  record: RecordedRequest;
  /** Writes a JSON response. */
  json(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** Starts an SSE response. */
  startSse(): void;
  /** Writes one SSE event (event name optional) ; resolves false if the client is gone. */
  sse(data: string, event?: string): boolean;
  /** Resolves after ms, or early if the client went away (returns false then). */
  sleep(ms: number): Promise<boolean>;
  /** Destroys the socket without finishing the response (a cut stream). */
  cut(): void;
  end(): void;
  isClosed(): boolean;
}

export type FakeHandler = (context: FakeContext) => Promise<void> | void;

export interface FakeUpstream {
  url: string;
  port: number;
  received: RecordedRequest[];
  close(): Promise<void>;
}

/** Finds the scenario directive in any text of the body (all providers put user text somewhere in the JSON). */
export function findScenario(body: unknown): Scenario {
  const text = JSON.stringify(body ?? "");
  const match = /\[\[fake:([a-z]+)(?::(\d{3}))?\]\]/.exec(text);
  if (!match) return { name: "text" };
  const [, name, status] = match;
  if (name === "error") return { name: "error", status: Number(status ?? 500) };
  if (["tool", "cut", "stall", "slow", "nousage", "cached", "promptcache"].includes(name)) return { name } as Scenario;
  return { name: "text" };
}

/** The fixed answer every fake gives, split into stream deltas. */
export const FAKE_TEXT_DELTAS = ["Hello", " from", " the", " fake", " provider."];
export const FAKE_TEXT = FAKE_TEXT_DELTAS.join("");
/** Fixed usage so tests can compute expected costs exactly. `reasoning` is what reasoning models add to the output. */
export const FAKE_USAGE = { input: 21, output: 7, cached: 8, reasoning: 12 };
/** The fixed reasoning text of fakes whose provider returns reasoning text, split into stream deltas. */
export const FAKE_REASONING_DELTAS = ["The user", " greets me;", " I answer briefly."];
export const FAKE_REASONING = FAKE_REASONING_DELTAS.join("");

export async function startFake(name: string, handler: FakeHandler, port = 0): Promise<FakeUpstream> {
  const received: RecordedRequest[] = [];
  let seq = 0;
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://fake.local");
    if (url.pathname === "/__fake/requests") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received));
      return;
    }
    if (url.pathname === "/__fake/reset") {
      received.length = 0;
      response.writeHead(204).end();
      return;
    }
    const raw = await readBody(request);
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = { __invalid_json: raw.slice(0, 200) };
      }
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.headers)) headers[key] = Array.isArray(value) ? value.join(", ") : String(value ?? "");
    const record: RecordedRequest = {
      seq: ++seq,
      method: request.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      scenario: findScenario(body),
      outcome: "pending",
    };
    received.push(record);
    let closed = false;
    response.on("close", () => {
      closed = true;
      if (record.outcome === "pending") record.outcome = response.writableFinished ? "completed" : "client_closed";
    });
    const context: FakeContext = {
      request,
      response,
      url,
      body,
      record,
      json(status, payload, extraHeaders = {}) {
        if (status >= 400 && record.outcome === "pending") record.outcome = status === 400 || status === 401 || status === 404 ? "rejected" : "pending";
        response.writeHead(status, { "content-type": "application/json", ...extraHeaders }).end(JSON.stringify(payload));
      },
      startSse() {
        response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
        response.flushHeaders();
      },
      sse(data, event) {
        if (closed) return false;
        response.write(`${event ? `event: ${event}\n` : ""}data: ${data}\n\n`);
        return true;
      },
      sleep(ms) {
        return new Promise((resolve) => {
          if (closed) return resolve(false);
          const onClose = () => {
            clearTimeout(timer);
            resolve(false);
          };
          const timer = setTimeout(() => {
            response.off("close", onClose);
            resolve(!closed);
          }, ms);
          response.once("close", onClose);
        });
      },
      cut() {
        record.outcome = "cut";
        response.socket?.destroy();
      },
      end() {
        if (!closed) response.end();
      },
      isClosed: () => closed,
    };
    try {
      await handler(context);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error) }));
      else response.destroy();
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Streams the standard deltas through `emit`, honouring the stream scenarios. Returns false if the stream was cut or the client left. */
export async function streamDeltas(context: FakeContext, scenario: Scenario, emit: (text: string, index: number) => void): Promise<boolean> {
  if (scenario.name === "slow") {
    for (let index = 0; index < 100; index++) {
      emit(`tick${index} `, index);
      if (!(await context.sleep(100))) return false;
    }
    return true;
  }
  for (let index = 0; index < FAKE_TEXT_DELTAS.length; index++) {
    emit(FAKE_TEXT_DELTAS[index], index);
    if (scenario.name === "cut" && index === 1) {
      await context.sleep(20);
      context.cut();
      return false;
    }
    if (scenario.name === "stall" && index === 0) {
      await new Promise<void>((resolve) => context.response.once("close", () => resolve()));
      return false;
    }
  }
  return true;
}
