import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "@/e2e/fakes/otlp-receiver";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { makeKey, makeModel, readSse, startTestGateway } from "@/server/gateway/__tests__/harness";
import { logger } from "@/server/logger";
import { createRequestTelemetry } from "./request-telemetry";
import { isTracingEnabled, startTracing, type Tracing } from "./tracing";

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const key = makeKey();

test.each([
  [{ OTEL_SDK_DISABLED: false }, false],
  [{ OTEL_SDK_DISABLED: false, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, true],
  [{ OTEL_SDK_DISABLED: false, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" }, true],
  [{ OTEL_SDK_DISABLED: true, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, false],
  [{ OTEL_SDK_DISABLED: false, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" }, false],
])("tracing is on only with an OTLP endpoint: %j", (settings, enabled) => {
  expect(isTracingEnabled(settings)).toBe(enabled);
});

describe.each(["http/protobuf", "http/json"] as const)("traces over OTLP %s to a local receiver", (protocol) => {
  let receiver: OtlpReceiver;
  let fake: FakeUpstream;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let tracing: Tracing;
  const logged: Record<string, unknown>[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [receiver, fake] = await Promise.all([startOtlpReceiver(), startFakeOpenAI()]);
    // The exporter reads its endpoint from the standard variable, as in production.
    vi.stubEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", `${receiver.url}/v1/traces`);
    vi.stubEnv("OTEL_SERVICE_NAME", "modelgate-under-test");
    tracing = (await startTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol, OTEL_SDK_DISABLED: false }, "test"))!;
    gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")], maxRetries: 1 });
    gateway.deps.telemetry = createRequestTelemetry({ tracing });
    // The request line is built only when info is on (tests run at warn): turn it on for the capture.
    const infoOn = vi.spyOn(logger, "isEnabled").mockImplementation((level) => level !== "debug");
    const info = vi.spyOn(logger, "info").mockImplementation((message, fields) => void (message === "request" && fields && logged.push(fields)));

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const continued = await post({ model: "mini", messages: [{ role: "user", content: "Hi" }], max_tokens: 50, temperature: 0.5 }, { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
    expect(continued.status).toBe(200);
    ids.continued = continued.headers.get("x-request-id")!;
    const streamed = await post({ model: "mini", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect((await readSse(streamed)).at(-1)).toBe("[DONE]");
    ids.streamed = streamed.headers.get("x-request-id")!;
    const failed = await post({ model: "mini", messages: [{ role: "user", content: "Hi [[fake:error:503]]" }] });
    expect(failed.status).toBe(503);
    ids.failed = failed.headers.get("x-request-id")!;
    await gateway.waitForRows(3);
    await tracing.shutdown(); // exports what is buffered
    info.mockRestore();
    infoOn.mockRestore();
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([receiver.close(), fake.close()]);
  });

  const requestSpan = (requestId: string): ReceivedSpan => receiver.spans.find((span) => span.attributes["modelgate.request_id"] === requestId)!;
  const childrenOf = (span: ReceivedSpan) => receiver.spans.filter((candidate) => candidate.parentSpanId === span.spanId);

  test("arrives in the configured encoding, with the service's resource", () => {
    expect(receiver.contentTypes[0]).toBe(protocol === "http/json" ? "application/json" : "application/x-protobuf");
    expect(receiver.spans[0].resource).toMatchObject({ "service.name": "modelgate-under-test", "service.version": "test" });
  });

  test("a client's traceparent continues its trace; the attempt is a GenAI client span with usage", () => {
    const root = requestSpan(ids.continued);
    expect(root).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, name: "POST /v1/chat/completions", kind: 2, statusCode: 0 });
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "mini",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 7,
      "http.response.status_code": 200,
      "modelgate.cost_usd": "0.000007350000",
    });
    const [attempt] = childrenOf(root);
    expect(childrenOf(root)).toHaveLength(1);
    expect(attempt).toMatchObject({ traceId: CALLER_TRACE, name: "chat gpt-4o-mini", kind: 3, statusCode: 0 });
    expect(attempt.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.max_tokens": 50,
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.stream": false,
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 7,
    });
  });

  test("without a traceparent a request starts its own trace; a stream's attempt span carries its usage", () => {
    const root = requestSpan(ids.streamed);
    expect(root.parentSpanId).toBe("");
    expect(root.traceId).not.toBe(CALLER_TRACE);
    const [attempt] = childrenOf(root);
    expect(attempt.attributes).toMatchObject({ "gen_ai.request.stream": true, "gen_ai.usage.output_tokens": 7 });
  });

  test("a retried failure: one error span per attempt, the request span in error", () => {
    const root = requestSpan(ids.failed);
    expect(root).toMatchObject({ statusCode: 2 });
    expect(root.attributes).toMatchObject({ "error.type": "upstream", "http.response.status_code": 503, "modelgate.upstream_attempts": 2 });
    const attempts = childrenOf(root);
    expect(attempts.map((span) => [span.attributes["modelgate.attempt"], span.statusCode, span.attributes["error.type"], span.attributes["http.response.status_code"]]).sort()).toEqual([
      [1, 2, "upstream", 503],
      [2, 2, "upstream", 503],
    ]);
  });

  test("the request log line carries the trace and span ids", () => {
    const line = logged.find((fields) => fields.request_id === ids.continued)!;
    expect(line).toMatchObject({ trace_id: CALLER_TRACE, span_id: requestSpan(ids.continued).spanId });
  });
});

test("with tracing off, a caller's traceparent still reaches the log line", async () => {
  const fake = await startFakeOpenAI();
  const gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")] });
  const { GatewayMetrics } = await import("./metrics");
  gateway.deps.telemetry = createRequestTelemetry({ metrics: new GatewayMetrics({ defaultMetrics: false }) });
  const logged: Record<string, unknown>[] = [];
  const infoOn = vi.spyOn(logger, "isEnabled").mockImplementation((level) => level !== "debug");
  const info = vi.spyOn(logger, "info").mockImplementation((message, fields) => void (message === "request" && fields && logged.push(fields)));
  try {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json", traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ model: "mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(200);
    await gateway.waitForRows(1);
    expect(logged[0]).toMatchObject({ trace_id: CALLER_TRACE });
  } finally {
    info.mockRestore();
    infoOn.mockRestore();
    await gateway.close();
    await fake.close();
  }
});
