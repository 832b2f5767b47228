import { expect, test, type APIRequestContext } from "@playwright/test";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../fakes/anthropic-fake";
import type { FakeUpstream } from "../fakes/common";
import { adminHeaders, createKey, fakeRequests, ledgerRow } from "../support/gateway-client";

// Provider prompt caching (README "Provider prompt caching"): a model group with prompt_cache auto in front of the fake
// Anthropic API, which honours cache_control under [[fake:promptcache]] (e2e/fakes/anthropic-prompt-cache.ts).
let fake: FakeUpstream;
let key: string;
const suffix = Date.now().toString(36);
const group = `support-${suffix}`;
// Sonnet 4.5's list prices: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M tokens.
const price = { input: "3", output: "15", cached_input: "0.30", cache_write: "3.75" };
const system = `You are the ACME support assistant [[fake:promptcache]] ${suffix}.\n` + "Clause: refunds within 30 days of delivery. ".repeat(150);

test.beforeAll(async ({ request }) => {
  fake = await startFakeAnthropic();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "anthropic", name: `cache-fake-${suffix}`, base_url: `${fake.url}/v1`, api_key: FAKE_ANTHROPIC_API_KEY } });
  expect(connection.status(), await connection.text()).toBe(201);
  const model = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: `sonnet-${suffix}`, connection_id: (await connection.json()).id, upstream_model: "claude-sonnet-4-5-20250929", price } });
  expect(model.status(), await model.text()).toBe(201);
  const created = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: group, deployments: [{ id: "sonnet", model: `sonnet-${suffix}` }], prompt_cache: { mode: "auto", ttl: "5m" } } });
  expect(created.status(), await created.text()).toBe(201);
  key = (await createKey(request)).key;
});
test.afterAll(async () => {
  await fake?.close();
});

const ask = (request: APIRequestContext, question: string) =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: group, messages: [{ role: "system", content: system }, { role: "user", content: question }] } });

test("the second request with the same long system prompt reads it from the cache, and the ledger prices it", async ({ request }) => {
  await expect.poll(async () => (await ask(request, "warm-up: is the group live?")).status(), { timeout: 5000 }).toBe(200);
  // The warm-up wrote the prefix; these two read it.
  const first = await ask(request, "What is the refund window?");
  const second = await ask(request, "Can I return a gift?");
  expect(first.status()).toBe(200);
  expect(second.status()).toBe(200);

  const sent = (await fakeRequests(fake.url)).filter((entry) => entry.path === "/v1/messages").at(-1)!;
  expect(sent.body.system).toEqual([{ type: "text", text: system, cache_control: { type: "ephemeral" } }]);

  const usage = (await second.json()).usage;
  expect(usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(1024);
  expect(usage.prompt_tokens_details.cached_tokens).toBeLessThan(usage.prompt_tokens);

  const row = await ledgerRow(request, second.headers()["x-request-id"]);
  const cached = usage.prompt_tokens_details.cached_tokens as number;
  const plain = usage.prompt_tokens - cached;
  expect(row).toMatchObject({ inputTokens: usage.prompt_tokens, cachedInputTokens: cached, cacheWriteTokens: 0, outputTokens: usage.completion_tokens });
  // Exact: plain × $3 + cached × $0.30 + output × $15, per 1M tokens, in picodollars.
  const picos = BigInt(plain) * 3_000_000n + BigInt(cached) * 300_000n + BigInt(usage.completion_tokens) * 15_000_000n;
  expect(row.costUsd).toBe(`0.${picos.toString().padStart(12, "0")}`);
  const saved = BigInt(cached) * 2_700_000n;
  expect(row.promptCache).toEqual({ hitRatio: cached / usage.prompt_tokens, savedUsd: `0.${saved.toString().padStart(12, "0")}` });
});

test("mode off sends only the caller's own breakpoints", async ({ request }) => {
  const off = `support-off-${suffix}`;
  const created = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: off, deployments: [{ id: "sonnet", model: `sonnet-${suffix}` }], prompt_cache: { mode: "off" } } });
  expect(created.status(), await created.text()).toBe(201);
  const send = () => request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: off, messages: [{ role: "system", content: system }, { role: "user", content: [{ type: "text", text: "Mine", cache_control: { type: "ephemeral" } }] }] } });
  await expect.poll(async () => (await send()).status(), { timeout: 5000 }).toBe(200);
  const sent = (await fakeRequests(fake.url)).filter((entry) => entry.path === "/v1/messages").at(-1)!;
  expect(sent.body.system).toBe(system);
  expect(sent.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Mine", cache_control: { type: "ephemeral" } }] }]);
});
