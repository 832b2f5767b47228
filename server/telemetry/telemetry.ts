import { env } from "@/server/env";
import { GatewayMetrics } from "./metrics";
import { createRequestTelemetry, type RequestTelemetry } from "./request-telemetry";
import { startTracing, type Tracing } from "./tracing";

/** The process's metrics registry and tracer, as the environment asks for them (README "Metrics and traces"). */
export interface Telemetry {
  /** Absent with METRICS_ENABLED=false. */
  metrics?: GatewayMetrics;
  /** Present only when an OTLP endpoint is configured; the OpenTelemetry packages are loaded only then. */
  tracing?: Tracing;
  /** The pipeline's hooks (GatewayDeps.telemetry); absent when both are off. */
  requests?: RequestTelemetry;
  stop(): Promise<void>;
}

const globalKey = Symbol.for("modelgate.telemetry");
type Store = typeof globalThis & { [globalKey]?: Promise<Telemetry> };

/** One per process (kept on globalThis like the gateway runtime, so the custom server's and Next's bundles share it). */
export function getTelemetry(): Promise<Telemetry> {
  const store = globalThis as Store;
  store[globalKey] ??= startTelemetry().catch((error) => {
    delete store[globalKey];
    throw error;
  });
  return store[globalKey];
}

async function startTelemetry(): Promise<Telemetry> {
  const settings = env();
  const metrics = settings.METRICS_ENABLED ? new GatewayMetrics() : undefined;
  const tracing = await startTracing(settings, process.env.npm_package_version ?? "unknown");
  return {
    metrics,
    tracing,
    requests: createRequestTelemetry({ metrics, tracing }),
    stop: async () => void (await tracing?.shutdown()),
  };
}
