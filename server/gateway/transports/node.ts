import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayRequest, GatewayResponse, OutboundFrame } from "../contract";
import type { GatewayDeps } from "../deps";
import { toOpenAIError } from "../errors";
import { handleGatewayRequest } from "../handler";
import type { Result } from "../types";
import { describeError, logger } from "@/server/logger";

export interface BodyLimits {
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

/** Node http transport: the production hot path, mounted by server.ts before Next's router. */
export function createNodeHandler(getDeps: () => Promise<GatewayDeps>, limits: BodyLimits) {
  return async function handleNodeRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const controller = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const gatewayRequest: GatewayRequest = {
      method: request.method ?? "GET",
      path: queryAt === -1 ? url : url.slice(0, queryAt),
      header: (name) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
      readJson: () => readJsonBody(request, limits),
      signal: controller.signal,
    };
    try {
      const result = await handleGatewayRequest(gatewayRequest, await getDeps());
      await writeResponse(response, result, limits.bodyTimeoutMs);
    } catch (error) {
      logger.error("gateway request failed", describeError(error));
      if (!response.headersSent) {
        const mapped = toOpenAIError({ kind: "internal" });
        response.writeHead(mapped.status, { "content-type": "application/json" }).end(JSON.stringify(mapped.body));
      } else response.destroy();
    }
  };
}

function readJsonBody(request: IncomingMessage, limits: BodyLimits): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const declared = Number(request.headers["content-length"] ?? "0");
    if (declared > limits.maxBodyBytes) {
      request.resume();
      return resolve({ ok: false, error: { kind: "payload_too_large", limitBytes: limits.maxBodyBytes } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Result<unknown>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.removeAllListeners("data");
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, error: { kind: "timeout", phase: "client_body" } });
      request.resume();
    }, limits.bodyTimeoutMs);
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        finish({ ok: false, error: { kind: "payload_too_large", limitBytes: limits.maxBodyBytes } });
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => finish(decodeJson(Buffer.concat(chunks).toString("utf8"))));
    request.on("error", () => finish({ ok: false, error: { kind: "invalid_request", message: "The request body could not be read.", code: "invalid_request_body" } }));
  });
}

export function decodeJson(text: string): Result<unknown> {
  if (text.trim() === "") return { ok: false, error: { kind: "invalid_request", message: "The request body is empty; send a JSON object.", code: "invalid_json" } };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: { kind: "invalid_request", message: "We could not parse the JSON body of your request.", code: "invalid_json" } };
  }
}

export function encodeSseFrame(frame: OutboundFrame): string {
  switch (frame.type) {
    case "data":
      return `data: ${JSON.stringify(frame.data)}\n\n`;
    case "event":
      return `event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
    case "done":
      return "data: [DONE]\n\n";
    case "error":
      // OpenAI's SDKs raise on a data event carrying `error`; no [DONE] follows.
      return `data: ${JSON.stringify(frame.body)}\n\n`;
  }
}

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" };

/** Resolves true once the socket drains, false if the client stopped reading for `stallMs` (or left). */
function waitForDrain(response: ServerResponse, stallMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (drained: boolean) => {
      clearTimeout(timer);
      response.off("drain", onDrain);
      response.off("close", onClose);
      resolve(drained);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), stallMs);
    response.once("drain", onDrain);
    response.once("close", onClose);
  });
}

async function writeResponse(response: ServerResponse, result: GatewayResponse, stallMs: number): Promise<void> {
  if (result.type === "json") {
    const payload = JSON.stringify(result.body);
    response.writeHead(result.status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...result.headers });
    response.end(payload);
    return;
  }
  // No flushHeaders(): the pipeline returns a stream only once its first event is in hand, so the headers
  // leave with the first frames. Frames produced in the same tick leave in one socket write (cork until the
  // next tick): one syscall for a burst of deltas instead of one each.
  response.writeHead(result.status, { ...SSE_HEADERS, ...result.headers });
  const reader = result.frames.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  response.once("close", onClose);
  let isCorked = false;
  const uncork = () => {
    if (!isCorked) return;
    isCorked = false;
    response.uncork();
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (response.destroyed) break;
      if (!isCorked) {
        isCorked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (response.write(encodeSseFrame(value))) continue;
      // Over the socket's buffer: send what is queued, then wait. A client that stops reading is
      // disconnected after the stall limit, which aborts the upstream too.
      uncork();
      if (!(await waitForDrain(response, stallMs))) {
        response.destroy();
        break;
      }
    }
  } finally {
    uncork();
    response.off("close", onClose);
    if (!response.destroyed) response.end();
  }
}
