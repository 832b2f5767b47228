/**
 * A span per tools/call (GenAI semantic conventions' execute_tool span), exported over OTLP to a local receiver and
 * continuing the MCP client's traceparent; an unknown (denied) tool's span is marked as an error.
 */
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startFakeMcpUpstream, type FakeMcpUpstream } from "@/e2e/fakes/mcp-upstream-fake";
import { startOtlpReceiver, type OtlpReceiver } from "@/e2e/fakes/otlp-receiver";
import { startTracing, type Tracing } from "@/server/telemetry/tracing";
import { approveEverything, grant, keyEntry, serverEntry, startMcpWorld, type McpWorld } from "./mcp-world";

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const alice = keyEntry("alice", "00000000-0000-4000-8000-0000000000aa");
let upstream: FakeMcpUpstream;
let receiver: OtlpReceiver;
let tracing: Tracing;
let world: McpWorld;

beforeAll(async () => {
  [upstream, receiver] = await Promise.all([startFakeMcpUpstream({ era: "modern" }), startOtlpReceiver()]);
  vi.stubEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", `${receiver.url}/v1/traces`);
  tracing = (await startTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json", OTEL_SDK_DISABLED: false }, "test"))!;
  const fake = serverEntry("fake", upstream.url);
  world = await startMcpWorld([alice.entry], { servers: [], approved: [], grants: [] });
  world.deps.tracing = tracing;
  world.setSnapshot({ servers: [fake], approved: await approveEverything(world.deps, fake), grants: [grant("team", alice.entry.teamId!, fake.id, { tool: "add" })] });
}, 30_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await world?.close();
  await Promise.all([upstream?.close(), receiver?.close()]);
});

test("each tools/call is an execute_tool span in the caller's trace; a denied tool's span is an error", async () => {
  const client = new Client({ name: "traced", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new StreamableHTTPClientTransport(new URL(world.url), { requestInit: { headers: { authorization: `Bearer ${alice.token}`, traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } } }));
  expect((await client.callTool({ name: "fake__add", arguments: { a: 1, b: 2 } })).content).toEqual([{ type: "text", text: "3" }]);
  await expect(client.callTool({ name: "fake__echo", arguments: { text: "x" } })).rejects.toThrow(/Unknown tool/);
  await client.close();
  await tracing.shutdown();
  const spans = receiver.spans.filter((span) => span.name.startsWith("execute_tool"));
  expect(spans.map((span) => span.name).sort()).toEqual(["execute_tool fake__add", "execute_tool fake__echo"]);
  const ok = spans.find((span) => span.name === "execute_tool fake__add")!;
  expect(ok).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, kind: 2, statusCode: 0 });
  expect(ok.attributes).toMatchObject({ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "fake__add", "gen_ai.tool.type": "extension" });
  const denied = spans.find((span) => span.name === "execute_tool fake__echo")!;
  expect(denied).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ "error.type": "unknown_tool" }) });
});
