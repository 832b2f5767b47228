import { expect, test, type APIRequestContext } from "@playwright/test";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../fakes/anthropic-fake";
import type { FakeUpstream } from "../fakes/common";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * 1-hour cache writes priced at their own meter (README "Provider prompt caching"): a group with prompt_cache ttl 1h
 * in front of the fake Anthropic API, which reports usage.cache_creation split by ttl under [[fake:promptcache]]
 * (e2e/fakes/anthropic-prompt-cache.ts). Anthropic bills 1h writes at 2x base input and 5m writes at 1.25x
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching#pricing).
 */
let fake: FakeUpstream;
let connectionId: string;
let key: string;
const suffix = Date.now().toString(36);
const micros = (picos: bigint) => `0.${picos.toString().padStart(12, "0")}`;

test.beforeAll(async ({ request }) => {
  fake = await startFakeAnthropic();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "anthropic", name: `cache-1h-${suffix}`, base_url: `${fake.url}/v1`, api_key: FAKE_ANTHROPIC_API_KEY } });
  expect(connection.status(), await connection.text()).toBe(201);
  connectionId = (await connection.json()).id;
  key = (await createKey(request)).key;
});
test.afterAll(async () => {
  await fake?.close();
});

/** A model at `price` and a group over it whose automatic breakpoints are 1h. */
async function oneHourGroup(request: APIRequestContext, label: string, price: Record<string, string>): Promise<{ group: string; modelId: string }> {
  const model = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: `${label}-${suffix}`, connection_id: connectionId, upstream_model: "claude-sonnet-4-5-20250929", price } });
  expect(model.status(), await model.text()).toBe(201);
  const group = `${label}-group-${suffix}`;
  const created = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: group, deployments: [{ id: "sonnet", model: `${label}-${suffix}` }], prompt_cache: { mode: "auto", ttl: "1h" } } });
  expect(created.status(), await created.text()).toBe(201);
  return { group, modelId: (await model.json()).id };
}

/** A request whose long system prompt (new each time) is written to the cache with a 1h breakpoint. */
async function writeOnce(request: APIRequestContext, group: string) {
  const system = `Policy handbook [[fake:promptcache]] ${crypto.randomUUID()}.\n` + "Clause: refunds within 30 days of delivery. ".repeat(150);
  const send = () => request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: group, messages: [{ role: "system", content: system }, { role: "user", content: "Refunds?" }] } });
  let response = await send();
  for (let attempt = 0; response.status() !== 200 && attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250)); // the snapshot takes the new group on its notification
    response = await send();
  }
  expect(response.status()).toBe(200);
  const usage = (await response.json()).usage;
  return { row: await ledgerRow(request, response.headers()["x-request-id"]), usage };
}

test("a 1h write is recorded as such and billed at cache_write_1h", async ({ request }) => {
  const { group } = await oneHourGroup(request, "sonnet-1h", { input: "3", output: "15", cached_input: "0.30", cache_write: "3.75", cache_write_1h: "6" });
  const { row, usage } = await writeOnce(request, group);
  const written = row.cacheWriteTokens as number;
  expect(written).toBeGreaterThan(1024);
  expect(row).toMatchObject({ cacheWrite1hTokens: written, cachedInputTokens: 0, inputTokens: usage.prompt_tokens });
  const plain = BigInt(usage.prompt_tokens - written);
  // plain × $3 + 1h writes × $6 + output × $15 per 1M tokens = µ$ a token, as picodollars.
  expect(row.costUsd).toBe(micros(plain * 3_000_000n + BigInt(written) * 6_000_000n + BigInt(usage.completion_tokens) * 15_000_000n));
  // The saving vs. plain input is the 1h premium, negative: written × ($3 − $6).
  expect((row.promptCache as { savedUsd: string }).savedUsd).toBe(`-${micros(BigInt(written) * 3_000_000n)}`);
});

test("without a 1h price the 1h write falls back to cache_write; an org price's 1h rate then applies", async ({ request }) => {
  const { group, modelId } = await oneHourGroup(request, "sonnet-5m", { input: "3", output: "15", cached_input: "0.30", cache_write: "3.75" });
  const first = await writeOnce(request, group);
  const written = BigInt(first.row.cacheWrite1hTokens as number);
  expect(written).toBeGreaterThan(1024n);
  const plain = BigInt(first.usage.prompt_tokens) - written;
  expect(first.row.costUsd).toBe(micros(plain * 3_000_000n + written * 3_750_000n + BigInt(first.usage.completion_tokens) * 15_000_000n));

  const orgPrice = await request.post(`/api/admin/models/${modelId}/org-prices`, { headers: adminHeaders(), data: { input: "3", output: "15", cached_input: "0.30", cache_write: "3.75", cache_write_1h: "5.5" } });
  expect(orgPrice.status(), await orgPrice.text()).toBe(201);
  expect(await orgPrice.json()).toMatchObject({ cacheWrite1hPerMtok: "5.500000" });
  await new Promise((resolve) => setTimeout(resolve, 500)); // the snapshot reloads on the price's notification
  const second = await writeOnce(request, group);
  const written2 = BigInt(second.row.cacheWrite1hTokens as number);
  const plain2 = BigInt(second.usage.prompt_tokens) - written2;
  const output2 = BigInt(second.usage.completion_tokens) * 15_000_000n;
  expect(second.row.costUsd).toBe(micros(plain2 * 3_000_000n + written2 * 5_500_000n + output2));
  // The list cost stays at the catalog price, where 1h writes fall back to $3.75.
  expect(second.row.listCostUsd).toBe(micros(plain2 * 3_000_000n + written2 * 3_750_000n + output2));
});

test("a catalog price refuses a malformed cache_write_1h on its field", async ({ request }) => {
  const response = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: `bad-1h-${suffix}`, connection_id: connectionId, upstream_model: "claude-sonnet-4-5-20250929", price: { input: "3", output: "15", cache_write_1h: "6.0000001" } } });
  expect(response.status()).toBe(400);
  const error = (await response.json()).error;
  expect(error.param).toBe("price.cache_write_1h");
});
