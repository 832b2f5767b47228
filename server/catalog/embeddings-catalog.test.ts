/**
 * The built-in embedding models, end to end on the real PostgreSQL: a fresh bootstrap with OPENAI_API_KEY,
 * GEMINI_API_KEY and MISTRAL_API_KEY set (base URLs at the in-repo fakes) creates text-embedding-3-small,
 * text-embedding-3-large, gemini-embedding-001 and mistral-embed at their list prices (model-catalog.ts), and a
 * POST /v1/embeddings to each, served from that snapshot, is billed input tokens × the price per 1M.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { findCurrentPrice, findModelByName } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { startFakeGeminiEmbeddings } from "@/e2e/fakes/gemini-embeddings";
import { FAKE_GEMINI_API_KEY } from "@/e2e/fakes/gemini-fake";
import { FAKE_MISTRAL_EMBEDDING_TOKENS } from "@/e2e/fakes/mistral-embeddings";
import { FAKE_MISTRAL_API_KEY, startFakeMistral } from "@/e2e/fakes/mistral-fake";
import { FAKE_EMBEDDING_TOKENS, startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { syncEnvConnections } from "@/server/bootstrap";
import { readEnv } from "@/server/env";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";
import { makeKey, postJson, startTestGateway } from "@/server/gateway/__tests__/harness";
import { adapters } from "@/server/providers";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fakes: FakeUpstream[];
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let token: string;
let orgId: string;
const encryptionKey = randomBytes(32);
const TEXTS = ["Hello world", "Embeddings are vectors."];

const catalog = [
  { name: "text-embedding-3-small", provider: "openai", input: "0.020000", tokens: FAKE_EMBEDDING_TOKENS * TEXTS.length },
  { name: "text-embedding-3-large", provider: "openai", input: "0.130000", tokens: FAKE_EMBEDDING_TOKENS * TEXTS.length },
  // The Gemini API reports no usage for embeddings: the gateway estimates the tokens.
  { name: "gemini-embedding-001", provider: "gemini", input: "0.150000", tokens: undefined },
  { name: "mistral-embed", provider: "mistral", input: "0.100000", tokens: FAKE_MISTRAL_EMBEDDING_TOKENS * TEXTS.length },
];

beforeAll(async () => {
  database = await createTestDatabase();
  const [openai, gemini, mistral] = await Promise.all([startFakeOpenAIEmbeddings(), startFakeGeminiEmbeddings(), startFakeMistral()]);
  fakes = [openai, gemini, mistral];
  const db = database.handle.db;
  orgId = await ensureDefaultOrg(db);
  const variables = {
    OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: `${openai.url}/v1`,
    GEMINI_API_KEY: FAKE_GEMINI_API_KEY, GEMINI_BASE_URL: `${gemini.url}/v1beta`,
    MISTRAL_API_KEY: FAKE_MISTRAL_API_KEY, MISTRAL_BASE_URL: `${mistral.url}/v1`,
  };
  await syncEnvConnections(db, readEnv(variables as unknown as NodeJS.ProcessEnv), orgId, encryptionKey);
  const snapshot = await loadSnapshot(db, encryptionKey, new Set(Object.keys(adapters)));
  const key = makeKey({ orgId });
  token = key.token;
  gateway = await startTestGateway({ keys: [key.entry], models: snapshot.models });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all((fakes ?? []).map((fake) => fake.close()));
  await database?.drop();
});

describe.each(catalog)("$name", ({ name, provider, input, tokens }) => {
  test("a fresh bootstrap with the provider's key has it, at its list price per 1M input tokens", async () => {
    const db = database.handle.db;
    const model = await findModelByName(db, orgId, name);
    expect(model).toMatchObject({ name, upstreamModel: name, maxOutputTokens: 0 });
    expect(await findCurrentPrice(db, model!.id)).toMatchObject({ inputPerMtok: input, outputPerMtok: "0.000000", cachedInputPerMtok: null, cacheWritePerMtok: null });
  });

  test("POST /v1/embeddings is served by it and billed tokens × price", async () => {
    const before = gateway.rows.length;
    const response = await postJson(`${gateway.url}/v1/embeddings`, token, { model: name, input: TEXTS });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-provider")).toBe(provider);
    const body = await response.json();
    expect(body.data).toHaveLength(TEXTS.length);
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ endpoint: "/v1/embeddings", status: "success", requestedModel: name, servedModel: name, outputTokens: 0, tokensEstimated: tokens === undefined });
    const inputTokens = row.inputTokens ?? 0;
    if (tokens !== undefined) expect(inputTokens).toBe(tokens);
    expect(inputTokens).toBeGreaterThan(0);
    expect(row.costUsd).toBe(((inputTokens * Number(input)) / 1_000_000).toFixed(12));
  });
});
