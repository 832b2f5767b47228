/**
 * The opt-in semantic cache in the pipeline: the request's text is embedded through the gateway's /v1/embeddings path
 * (the OpenAI embeddings fake: deterministic vectors from the text's code points, so a reversed text embeds the same),
 * and a stored answer whose parameters match exactly and whose embedding is close enough is served. Real Redis store.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { fakeEmbedding } from "@/e2e/fakes/fake-embeddings";
import { startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import type { CacheStore } from "../cache/cache-store";
import { createRedisCacheStore } from "../cache/redis-store";
import { cosineSimilarity } from "../cache/semantic";
import { deleteRedisKeys, TEST_REDIS_URL, uniquePrefix } from "../rate-limit/test-redis";
import { makeKey, makeModel, startTestGateway, until } from "./harness";

const THRESHOLD = 0.99;
const prefix = uniquePrefix();
let chatFake: FakeUpstream;
let embeddingsFake: FakeUpstream;
let store: CacheStore;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const semanticKey = makeKey({ cache: { scope: "key", ttlSeconds: 60, semantic: { model: "embed", threshold: THRESHOLD } } });

beforeAll(async () => {
  chatFake = await startFakeOpenAI();
  embeddingsFake = await startFakeOpenAIEmbeddings();
  store = createRedisCacheStore({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 1000 });
  gateway = await startTestGateway({
    keys: [semanticKey.entry],
    models: [makeModel("mini", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), makeModel("embed", "openai", `${embeddingsFake.url}/v1`, FAKE_OPENAI_API_KEY, "text-embedding-3-small")],
    responseCache: store,
  });
});
afterAll(async () => {
  await gateway?.close();
  await chatFake?.close();
  await embeddingsFake?.close();
  await store?.stop();
  await deleteRedisKeys([prefix]);
});

const chat = (body: Record<string, unknown>) =>
  fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${semanticKey.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
const ask = (text: string, extra: Record<string, unknown> = {}) => ({ model: "mini", messages: [{ role: "user", content: text }], ...extra });
const stored = () => new Promise((resolve) => setTimeout(resolve, 80));

test("a text that embeds the same is served the stored answer; a dissimilar one or other parameters miss", async () => {
  const text = `Where is my parcel? ${crypto.randomUUID()}`;
  const reversed = [...text].reverse().join("");
  // The fake has 17 distinct vectors (code-point sum mod 17): pick a follow-up question whose vector is not the same.
  const other = ["Also, can I change the address?", "And the invoice?", "Is it insured?"].map((extra) => `${text} ${extra}`).find((candidate) => cosineSimilarity(fakeEmbedding(`user: ${candidate}`), fakeEmbedding(`user: ${text}`)) < THRESHOLD)!;
  expect(other).toBeDefined();

  const first = await chat(ask(text));
  expect(first.headers.get("x-modelgate-cache")).toBe("miss");
  const firstBody = await first.json();
  await stored();
  const chatsBefore = chatFake.received.length;

  const near = await chat(ask(reversed));
  expect(near.headers.get("x-modelgate-cache")).toBe("hit");
  expect(near.headers.get("x-modelgate-cache-similarity")).toBe("1.0000");
  expect((await near.json()).choices).toEqual(firstBody.choices);
  expect(chatFake.received.length).toBe(chatsBefore);

  expect((await chat(ask(other))).headers.get("x-modelgate-cache")).toBe("miss");
  expect((await chat(ask(reversed, { temperature: 0.3 }))).headers.get("x-modelgate-cache")).toBe("miss");
  expect(chatFake.received.length).toBe(chatsBefore + 2);

  // Each lookup's embedding went through the embeddings path as the key: its own ledger row, billed.
  const embeddedTexts = embeddingsFake.received.map((recorded) => (recorded.body as { input: string }).input);
  expect(embeddedTexts).toContain(`user: ${text}`);
  expect(embeddedTexts).toContain(`user: ${reversed}`);
  await until(() => gateway.rows.filter((row) => row.endpoint === "/v1/embeddings").length >= 4);
  const embeddingRows = gateway.rows.filter((row) => row.endpoint === "/v1/embeddings");
  expect(embeddingRows.length).toBe(4);
  expect(embeddingRows.every((row) => row.keyId === semanticKey.entry.id && row.status === "success" && Number(row.costUsd) > 0)).toBe(true);
  const hitRow = gateway.rows.find((row) => row.id === near.headers.get("x-request-id"));
  expect(hitRow).toMatchObject({ cacheStatus: "hit", upstreamAttempts: 0, costUsd: "0.000000000000" });
});
