/**
 * Test helper for the fakes' own tests: an adapter's upstream request sent to a fake over HTTP and the answer read back
 * through the same adapter, as the gateway chains them (buildRequest → fake → sseDecoder → parseStream, or
 * parseResponse / parseError). Kept apart from ./common.ts, which the fake servers themselves load.
 */
import { request } from "undici";
import { sseDecoder } from "@/server/gateway/sse";
import type { GatewayError, ProviderAdapter, StreamEvent, UpstreamRequest } from "@/server/gateway/types";
import { collect } from "@/server/providers/test-utils";

export interface RoundTrip {
  status: number;
  upstream: UpstreamRequest;
  /** A non-200 answer, through adapter.parseError. */
  error?: GatewayError;
  /** A 200 answer to a non-stream request, through adapter.parseResponse. */
  result?: ReturnType<ProviderAdapter["parseResponse"]>;
  /** A 200 stream, through sseDecoder and adapter.parseStream. */
  events?: StreamEvent[];
}

export async function sendThroughAdapter(adapter: ProviderAdapter, upstream: UpstreamRequest, stream: boolean): Promise<RoundTrip> {
  const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    return { status: response.statusCode, error: adapter.parseError(response.statusCode, text, new Headers(response.headers as Record<string, string>)), upstream };
  }
  if (!stream) return { status: 200, result: adapter.parseResponse(await response.body.json()), upstream };
  const bytes = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for await (const chunk of response.body) controller.enqueue(new Uint8Array(chunk as Buffer));
      } catch {
        // The fake cut the socket ([[fake:cut]]): the bytes read so far are all the parser gets, as in the gateway.
      }
      controller.close();
    },
  });
  return { status: 200, events: await collect(bytes.pipeThrough(sseDecoder()).pipeThrough(adapter.parseStream())), upstream };
}
