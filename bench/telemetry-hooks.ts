/**
 * The CPU the telemetry hooks add to one request, measured in-process (so a busy neighbour on a shared machine skews it
 * far less than an end-to-end run): for BENCH_HOOK_REQUESTS (20,000) synthetic requests, the pipeline's calls —
 * start, one upstream attempt, settle with a ledger row — with metrics only, and with metrics and traces exported over
 * OTLP/HTTP protobuf (the SDK's default batch settings) to a local receiver that discards them, at about 4,000 requests
 * a second. Process CPU (user + system) per request, best of 3 runs; the receiver's CPU is counted too (it is in-process).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { UsageRow } from "@/db/queries/usage-ledger";
import type { KeyEntry, ModelEntry } from "@/server/gateway/config/config-source";
import { newRecord } from "@/server/gateway/ledger";
import { GatewayMetrics } from "@/server/telemetry/metrics";
import { createRequestTelemetry, type RequestTelemetry } from "@/server/telemetry/request-telemetry";
import { startTracing } from "@/server/telemetry/tracing";

const requests = Number(process.env.BENCH_HOOK_REQUESTS ?? 20_000);
const key = { id: "00000000-0000-4000-8000-000000000002", orgId: "00000000-0000-4000-8000-000000000001", teamId: null, name: "bench", prefix: "vk_bench", hash: "", allowedModels: null, expiresAt: null } satisfies KeyEntry;
const model = { id: "m", orgId: key.orgId, name: "gpt-4o-mini", upstreamModel: "gpt-4o-mini", contextWindow: null, maxOutputTokens: null, region: null, createdAt: 0, prices: [], connection: { id: "c", orgId: key.orgId, kind: "openai", name: "openai", baseUrl: "", apiKey: "", trusted: true, region: null } } satisfies ModelEntry;

function rowOf(id: string): UsageRow {
  const now = new Date();
  return { id, orgId: key.orgId, keyId: key.id, keyPrefix: key.prefix, requestedModel: "gpt-4o-mini", servedModel: "gpt-4o-mini", provider: "openai", endpoint: "/v1/chat/completions", stream: false, status: "success", httpStatus: 200, inputTokens: 210, outputTokens: 70, costUsd: "0.000073500000", latencyMs: 120, ttftMs: 40, startedAt: now, endedAt: now, upstreamAttempts: 1 };
}

async function cpuPerRequest(telemetry: RequestTelemetry): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const before = process.cpuUsage();
    for (let index = 0; index < requests; index++) {
      const record = newRecord(`req_${run}_${index}`, key, "/v1/chat/completions");
      record.model = model;
      record.telemetry = telemetry.start(record, index % 2 ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" : undefined, undefined);
      record.attempts = 1;
      record.telemetry.attemptStarted("openai", false).ended();
      record.telemetry.settled(rowOf(record.id));
      // About 4,000 requests a second, so the batch exporter keeps up with its default settings (a full queue drops spans).
      if (index % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / requests);
  }
  return best;
}

let exported = 0;
const server = http.createServer((request, response) => request.resume().on("end", () => (exported++, response.writeHead(200, { "content-type": "application/x-protobuf" }).end())));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
const metricsOnly = await cpuPerRequest(createRequestTelemetry({ metrics: new GatewayMetrics() })!);
const tracing = (await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: false }, "bench"))!;
const withTraces = await cpuPerRequest(createRequestTelemetry({ metrics: new GatewayMetrics(), tracing })!);
await tracing.shutdown();
server.close();
console.log(`telemetry hooks, in-process, ${requests.toLocaleString("en")} requests (best of 3): metrics ${metricsOnly.toFixed(1)} µs of CPU per request; metrics + traces (2 spans, OTLP protobuf export) ${withTraces.toFixed(1)} µs; ${exported} export requests received`);
