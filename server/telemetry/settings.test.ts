import { expect, test } from "vitest";
import { readEnv } from "@/server/env";
import { isTracingEnabled } from "./tracing";

const settings = (variables: Record<string, string>) => readEnv(variables as unknown as NodeJS.ProcessEnv);

test("metrics are on by default and off with METRICS_ENABLED=false; the metrics listener binds to loopback unless told", () => {
  expect(settings({})).toMatchObject({ METRICS_ENABLED: true, METRICS_HOST: "127.0.0.1" });
  expect(settings({}).METRICS_PORT).toBeUndefined();
  expect(settings({ METRICS_ENABLED: "false" }).METRICS_ENABLED).toBe(false);
  expect(settings({ METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" })).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: "0.0.0.0" });
});

test("tracing follows the standard OTEL_* variables", () => {
  expect(isTracingEnabled(settings({}))).toBe(false);
  expect(isTracingEnabled(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }))).toBe(true);
  expect(isTracingEnabled(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }))).toBe(false);
  expect(settings({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" }).OTEL_EXPORTER_OTLP_TRACES_PROTOCOL).toBe("http/json");
});

test.each([
  [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL: modelgate exports OTLP over HTTP"],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL"],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "grpc://collector:4317" }, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL"],
  [{ OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER must be otlp or none"],
  [{ METRICS_PORT: "70000" }, "METRICS_PORT"],
  [{ METRICS_ENABLED: "maybe" }, "METRICS_ENABLED"],
])("a bad value stops the start: %j", (variables, message) => {
  expect(() => settings(variables)).toThrow(message);
});
