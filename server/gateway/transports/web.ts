import type { GatewayRequest, GatewayResponse } from "../contract";
import { toOpenAIError } from "../errors";
import { handleGatewayRequest } from "../handler";
import { getGatewayRuntime } from "../runtime";
import type { Result } from "../types";
import { describeError, logger } from "@/server/logger";
import { decodeJson, encodeSseFrame, SSE_HEADERS } from "./node";

/**
 * Web Request/Response transport for the thin route handlers under app/v1/ (hosts without the
 * custom server). Same pipeline as the node transport; only encoding differs.
 */
export async function handleWebRequest(request: Request): Promise<Response> {
  try {
    const runtime = await getGatewayRuntime();
    const url = new URL(request.url);
    const gatewayRequest: GatewayRequest = {
      method: request.method,
      path: url.pathname,
      header: (name) => request.headers.get(name) ?? undefined,
      readJson: () => readJsonBody(request, runtime.limits.maxBodyBytes),
      signal: request.signal,
    };
    return toWebResponse(await handleGatewayRequest(gatewayRequest, runtime.deps));
  } catch (error) {
    logger.error("gateway request failed", describeError(error));
    const mapped = toOpenAIError({ kind: "internal" });
    return Response.json(mapped.body, { status: mapped.status });
  }
}

async function readJsonBody(request: Request, maxBodyBytes: number): Promise<Result<unknown>> {
  if (Number(request.headers.get("content-length") ?? "0") > maxBodyBytes) return { ok: false, error: { kind: "payload_too_large", limitBytes: maxBodyBytes } };
  if (!request.body) return decodeJson("");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      return { ok: false, error: { kind: "payload_too_large", limitBytes: maxBodyBytes } };
    }
    chunks.push(value);
  }
  return decodeJson(Buffer.concat(chunks).toString("utf8"));
}

function toWebResponse(result: GatewayResponse): Response {
  if (result.type === "json") return Response.json(result.body, { status: result.status, headers: result.headers });
  const encoder = new TextEncoder();
  const body = result.frames.pipeThrough(
    new TransformStream({
      transform(frame, controller) {
        controller.enqueue(encoder.encode(encodeSseFrame(frame)));
      },
    }),
  );
  return new Response(body, { status: result.status, headers: { ...SSE_HEADERS, ...result.headers } });
}
