import { afterAll, beforeAll, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { makeKey, makeModel, postJson, readSse, startTestGateway } from "@/server/gateway/__tests__/harness";
import { GatewayMetrics } from "./metrics";
import { createRequestTelemetry } from "./request-telemetry";

// The whole pipeline against the fakes, with a registry of its own: every count is exact.
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const metrics = new GatewayMetrics({ defaultMetrics: false });
const key = makeKey();

beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001")],
    maxRetries: 1,
  });
  gateway.deps.telemetry = createRequestTelemetry({ metrics });
  const chat = (body: unknown) => postJson(`${gateway.url}/v1/chat/completions`, key.token, body);
  expect((await chat({ model: "mini", messages: [{ role: "user", content: "Hi" }] })).status).toBe(200);
  expect((await readSse(await chat({ model: "mini", stream: true, messages: [{ role: "user", content: "Hi" }] }))).at(-1)).toBe("[DONE]");
  expect((await chat({ model: "mini", messages: [{ role: "user", content: "Hi [[fake:error:503]]" }] })).status).toBe(503);
  // n = 2 on Anthropic: two concurrent calls (chat/fan-out/), neither of them a retry.
  expect((await chat({ model: "haiku", n: 2, messages: [{ role: "user", content: "Hi" }] })).status).toBe(200);
  // Unknown model: recorded, never reached a provider; its raw name is not a label.
  expect((await chat({ model: "no-such-model-1234", messages: [{ role: "user", content: "Hi" }] })).status).toBe(404);
  await gateway.waitForRows(5);
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close()]);
});

const value = (body: string, line: string) => Number(body.split("\n").find((entry) => entry.startsWith(line))?.split(" ").at(-1));

test("requests, attempts and retries as the pipeline made them", async () => {
  const { body } = await metrics.exposition();
  expect(value(body, 'modelgate_requests_total{endpoint="/v1/chat/completions",provider="openai",model="mini",status="success",error_kind="none"}')).toBe(2);
  expect(value(body, 'modelgate_requests_total{endpoint="/v1/chat/completions",provider="openai",model="mini",status="error",error_kind="upstream"}')).toBe(1);
  expect(value(body, 'modelgate_requests_total{endpoint="/v1/chat/completions",provider="anthropic",model="haiku",status="success",error_kind="none"}')).toBe(1);
  expect(value(body, 'modelgate_requests_total{endpoint="/v1/chat/completions",provider="none",model="none",status="error",error_kind="no_route"}')).toBe(1);
  expect(body).not.toContain("no-such-model-1234");
  expect(value(body, 'modelgate_upstream_attempts_total{provider="openai",model="mini",outcome="ok"}')).toBe(2);
  expect(value(body, 'modelgate_upstream_attempts_total{provider="openai",model="mini",outcome="upstream"}')).toBe(2);
  expect(value(body, 'modelgate_upstream_attempts_total{provider="anthropic",model="haiku",outcome="ok"}')).toBe(2);
  expect(value(body, 'modelgate_upstream_retries_total{provider="openai",model="mini"}')).toBe(1);
  expect(body).not.toContain('modelgate_upstream_retries_total{provider="anthropic"');
  expect(value(body, "modelgate_requests_in_flight")).toBe(0);
});

test("tokens and cost match the ledger rows exactly", async () => {
  const { body } = await metrics.exposition();
  const rows = gateway.rows.filter((row) => row.provider === "openai");
  expect(value(body, 'modelgate_tokens_total{provider="openai",model="mini",type="input"}')).toBe(rows.reduce((sum, row) => sum + (row.inputTokens ?? 0), 0));
  expect(value(body, 'modelgate_tokens_total{provider="openai",model="mini",type="output"}')).toBe(rows.reduce((sum, row) => sum + (row.outputTokens ?? 0), 0));
  // Two successful answers at the fake's 21 in / 7 out: 2 × 0.00000735 $.
  expect(value(body, 'modelgate_cost_usd_total{provider="openai",model="mini"}')).toBe(0.0000147);
  expect(value(body, 'modelgate_time_to_first_token_seconds_count{endpoint="/v1/chat/completions",provider="openai",model="mini",stream="true"}')).toBe(1);
});
