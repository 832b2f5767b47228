/**
 * A local OTLP/HTTP trace receiver for tests: POST /v1/traces with an ExportTraceServiceRequest, in either
 * encoding the OTLP specification defines (https://opentelemetry.io/docs/specs/otlp/#otlphttp):
 * `application/x-protobuf` (the default of OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf) or `application/json`
 * (http/json; ids as hex strings, 64-bit integers as strings: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
 * The protobuf is decoded with the field numbers of opentelemetry-proto's trace.proto and common.proto
 * (https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto).
 * Answers 200 with an empty ExportTraceServiceResponse in the request's encoding; anything else is a 4xx.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** Status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  contentTypes: string[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const type = (request.headers["content-type"] ?? "").split(";")[0].trim();
      if (request.method !== "POST" || request.url !== "/v1/traces") return void response.writeHead(404).end();
      try {
        const body = Buffer.concat(chunks);
        if (type === "application/json") spans.push(...decodeJson(JSON.parse(body.toString("utf8"))));
        else if (type === "application/x-protobuf") spans.push(...decodeProtobuf(body));
        else return void response.writeHead(415).end();
        contentTypes.push(type);
        response.writeHead(200, { "content-type": type }).end(type === "application/json" ? "{}" : Buffer.alloc(0));
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// JSON encoding.
type JsonValue = { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number };
type JsonKeyValue = { key: string; value: JsonValue };

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) attributes[key] = value.stringValue;
    else if (value.boolValue !== undefined) attributes[key] = value.boolValue;
    else if (value.intValue !== undefined) attributes[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) attributes[key] = value.doubleValue;
  }
  return attributes;
}

function decodeJson(payload: { resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] }): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of payload.resourceSpans ?? []) {
    const resource = jsonAttributes(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          parentSpanId: String(span.parentSpanId ?? ""),
          name: String(span.name),
          kind: Number(span.kind ?? 0),
          attributes: jsonAttributes(span.attributes as JsonKeyValue[]),
          statusCode: Number((span.status as { code?: number } | undefined)?.code ?? 0),
          resource,
        });
      }
    }
  }
  return spans;
}

// Protobuf wire format (https://protobuf.dev/programming-guides/encoding/): just what the trace messages use.
type Field = { number: number; wireType: number; varint?: bigint; bytes?: Buffer; fixed?: Buffer };

function readVarint(buffer: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buffer[offset++];
    if (byte === undefined) throw new Error("truncated varint");
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
  }
}

function fields(buffer: Buffer): Field[] {
  const list: Field[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, next] = readVarint(buffer, offset);
    offset = next;
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const [value, after] = readVarint(buffer, offset);
      list.push({ number, wireType, varint: value });
      offset = after;
    } else if (wireType === 2) {
      const [length, after] = readVarint(buffer, offset);
      const end = after + Number(length);
      list.push({ number, wireType, bytes: buffer.subarray(after, end) });
      offset = end;
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      list.push({ number, wireType, fixed: buffer.subarray(offset, offset + size) });
      offset += size;
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
  return list;
}

const sub = (list: Field[], number: number) => list.filter((field) => field.number === number && field.bytes).map((field) => field.bytes!);

function protobufValue(buffer: Buffer): AttributeValue | undefined {
  // AnyValue: 1 string_value, 2 bool_value, 3 int_value, 4 double_value.
  for (const field of fields(buffer)) {
    if (field.number === 1 && field.bytes) return field.bytes.toString("utf8");
    if (field.number === 2 && field.varint !== undefined) return field.varint !== 0n;
    if (field.number === 3 && field.varint !== undefined) return Number(BigInt.asIntN(64, field.varint));
    if (field.number === 4 && field.fixed) return field.fixed.readDoubleLE(0);
  }
  return undefined;
}

function protobufAttributes(list: Buffer[]): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const entry of list) {
    // KeyValue: 1 key, 2 value.
    const parts = fields(entry);
    const key = sub(parts, 1)[0]?.toString("utf8");
    const value = sub(parts, 2)[0];
    const decoded = value ? protobufValue(value) : undefined;
    if (key !== undefined && decoded !== undefined) attributes[key] = decoded;
  }
  return attributes;
}

function decodeProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  // ExportTraceServiceRequest: 1 resource_spans. ResourceSpans: 1 resource, 2 scope_spans. Resource: 1 attributes.
  for (const resourceSpans of sub(fields(body), 1)) {
    const parts = fields(resourceSpans);
    const resource = protobufAttributes(sub(fields(sub(parts, 1)[0] ?? Buffer.alloc(0)), 1));
    // ScopeSpans: 2 spans.
    for (const scope of sub(parts, 2)) {
      for (const span of sub(fields(scope), 2)) {
        // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes, 15 status (3 code).
        const spanFields = fields(span);
        const status = sub(spanFields, 15)[0];
        spans.push({
          traceId: sub(spanFields, 1)[0]?.toString("hex") ?? "",
          spanId: sub(spanFields, 2)[0]?.toString("hex") ?? "",
          parentSpanId: sub(spanFields, 4)[0]?.toString("hex") ?? "",
          name: sub(spanFields, 5)[0]?.toString("utf8") ?? "",
          kind: Number(spanFields.find((field) => field.number === 6)?.varint ?? 0n),
          attributes: protobufAttributes(sub(spanFields, 9)),
          statusCode: status ? Number(fields(status).find((field) => field.number === 3)?.varint ?? 0n) : 0,
          resource,
        });
      }
    }
  }
  return spans;
}
