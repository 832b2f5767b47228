import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import { describeError, logger } from "@/server/logger";

/**
 * OpenTelemetry traces over OTLP/HTTP through the official SDK (`@opentelemetry/sdk-trace-base` and the OTLP
 * exporters), configured by the standard variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 * and https://opentelemetry.io/docs/specs/otel/protocol/exporter/): OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT turn it on; the exporters read their endpoint, headers, timeout and
 * compression themselves, the provider reads OTEL_TRACES_SAMPLER(_ARG) and the batch processor OTEL_BSP_*, the
 * resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Unset (or OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none),
 * none of these packages is loaded. No global tracer provider or context manager is installed: the pipeline hands
 * parent contexts along explicitly, so tracing costs no async-hook bookkeeping.
 */
export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_PROTOCOL?: "http/protobuf" | "http/json";
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: "http/protobuf" | "http/json";
  OTEL_SDK_DISABLED: boolean;
  OTEL_TRACES_EXPORTER?: string;
}

export interface Tracing {
  readonly api: typeof import("@opentelemetry/api");
  readonly tracer: Tracer;
  /** The parent context a client's `traceparent` / `tracestate` carry (W3C Trace Context), or the root context. */
  parentOf(traceparent: string | undefined, tracestate: string | undefined): Context;
  startSpan(name: string, kind: "server" | "client", attributes: Attributes, parent: Context): Span;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

export function isTracingEnabled(settings: TracingSettings): boolean {
  if (settings.OTEL_SDK_DISABLED || settings.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || settings.OTEL_EXPORTER_OTLP_ENDPOINT);
}

export async function startTracing(settings: TracingSettings, serviceVersion: string): Promise<Tracing | undefined> {
  if (!isTracingEnabled(settings)) return undefined;
  const protocol = settings.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? settings.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
  const [api, core, resources, sdk, exporterModule] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/core"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-base"),
    protocol === "http/json" ? import("@opentelemetry/exporter-trace-otlp-http") : import("@opentelemetry/exporter-trace-otlp-proto"),
  ]);
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ "service.name": "modelgate", "service.version": serviceVersion }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(new exporterModule.OTLPTraceExporter())] });
  const tracer = provider.getTracer("modelgate", serviceVersion);
  const propagator = new core.W3CTraceContextPropagator();
  const kinds = { server: api.SpanKind.SERVER, client: api.SpanKind.CLIENT };
  logger.info("tracing on", { protocol, endpoint_variable: settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT" });
  return {
    api,
    tracer,
    parentOf(traceparent, tracestate) {
      if (!traceparent) return api.ROOT_CONTEXT;
      return propagator.extract(api.ROOT_CONTEXT, { traceparent, tracestate }, api.defaultTextMapGetter);
    },
    startSpan(name, kind, attributes, parent) {
      return tracer.startSpan(name, { kind: kinds[kind], attributes }, parent);
    },
    async shutdown() {
      await provider.shutdown().catch((error) => logger.warn("trace export at shutdown failed", describeError(error)));
    },
  };
}
