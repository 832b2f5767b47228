import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { McpDeps } from "../contract";
import { createMcpRequestHandler } from "../handler";
import { httpError } from "../http-errors";
import { describeError, logger } from "@/server/logger";

/**
 * POST /mcp on the node http server (server/serve/http-server.ts), before Next's router: the request becomes a Web
 * Request (its body streamed, its signal aborted when the client leaves, which cancels the upstream call), the
 * Response is written back, SSE frames as they come.
 */
export function createMcpNodeHandler(getDeps: () => Promise<McpDeps>) {
  const handle = createMcpRequestHandler(getDeps);
  return async function handleMcpNodeRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const controller = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    try {
      const answer = await handle(toWebRequest(request, controller.signal));
      await writeWebResponse(response, answer);
    } catch (error) {
      logger.error("MCP request failed", describeError(error));
      if (!response.headersSent) await writeWebResponse(response, httpError(500, -32603, "Internal error."));
      else response.destroy();
    }
  };
}

export function toWebRequest(request: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = request.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const host = request.headers.host ?? "localhost";
  return new Request(`http://${host}${request.url ?? "/mcp"}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(request) as ReadableStream<Uint8Array>) : undefined,
    signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

export async function writeWebResponse(response: ServerResponse, answer: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  answer.headers.forEach((value, name) => {
    headers[name] = name === "set-cookie" ? [...((headers[name] as string[]) ?? []), value] : value;
  });
  response.writeHead(answer.status, headers);
  if (!answer.body) return void response.end();
  const reader = answer.body.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  response.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || response.destroyed) break;
      if (!response.write(value)) await new Promise<void>((resolve) => response.once("drain", resolve).once("close", resolve));
    }
  } finally {
    response.off("close", onClose);
    if (!response.destroyed) response.end();
  }
}
