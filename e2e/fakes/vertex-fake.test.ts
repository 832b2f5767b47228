import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseVertexCredential, type ServiceAccount } from "@/server/providers/vertex";
import { signServiceAccountJwt } from "@/server/providers/vertex/jwt";
import { fakeInputTokens } from "./anthropic-count-tokens-fake";
import { FAKE_TEXT } from "./common";
import { fakeGeminiTokens } from "./gemini-count-tokens-fake";
import { FAKE_VERTEX_LOCATION, FAKE_VERTEX_PROJECT, startFakeVertex, type FakeVertex } from "./vertex-fake";

let fake: FakeVertex;
let account: ServiceAccount;
let token: string;

const accountOf = (json: string) => (parseVertexCredential(json) as { account: ServiceAccount }).account;

async function exchange(assertion: string, grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer") {
  const response = await request(fake.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: grantType, assertion }).toString() });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

async function post(path: string, body: unknown, bearer: string | undefined = token) {
  const url = `${fake.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}/${path}`;
  const response = await request(url, { method: "POST", headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, body: JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
}

beforeAll(async () => {
  fake = await startFakeVertex();
  account = accountOf(fake.serviceAccountJson);
  const issued = await exchange(signServiceAccountJwt(account, Date.now()));
  token = String(issued.json.access_token);
});
afterAll(() => fake.close());

const claudeBody = { anthropic_version: "vertex-2023-10-16", max_tokens: 32, messages: [{ role: "user", content: "Hi" }] };

describe("fake vertex token endpoint", () => {
  test("issues a token for a JWT signed by the service account's key", async () => {
    const issued = await exchange(signServiceAccountJwt(account, Date.now()));
    expect(issued).toMatchObject({ status: 200, json: { access_token: expect.stringMatching(/^ya29\.fake-/), expires_in: 3599, token_type: "Bearer" } });
    expect(fake.exchanges()).toBe(2);
  });

  test.each([
    ["an unknown key", () => signServiceAccountJwt(accountOf(fake.unknownKeyJson), Date.now()), undefined, "Invalid JWT Signature."],
    ["another audience", () => signServiceAccountJwt({ ...account, tokenUri: "https://oauth2.googleapis.com/token" }, Date.now()), undefined, "Invalid JWT: aud must be the token_uri."],
    ["an expired assertion", () => signServiceAccountJwt(account, Date.now() - 2 * 3600_000), undefined, expect.stringContaining("Check your iat and exp")],
    ["a wrong grant type", () => signServiceAccountJwt(account, Date.now()), "client_credentials", "Invalid grant_type: client_credentials"],
  ])("refuses %s", async (_name, assertion, grantType, description) => {
    const refused = await exchange(assertion(), grantType);
    expect(refused.status).toBe(400);
    expect(refused.json.error_description).toEqual(description);
  });
});

describe("fake vertex publisher routes", () => {
  test("no or unknown bearer is 401 UNAUTHENTICATED", async () => {
    for (const bearer of ["", "ya29.invented"]) {
      const refused = await post("publishers/google/models/gemini-2.5-flash:generateContent", { contents: [{ role: "user", parts: [{ text: "Hi" }] }] }, bearer);
      expect(refused).toMatchObject({ status: 401, json: { error: { code: 401, status: "UNAUTHENTICATED" } } });
    }
  });

  test("gemini generateContent is answered by the Gemini fake", async () => {
    const answered = await post("publishers/google/models/gemini-2.5-flash:generateContent", { contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
    expect(answered.status).toBe(200);
    expect(answered.json.candidates[0].content.parts.map((part: { text: string }) => part.text).join("")).toBe(FAKE_TEXT);
  });

  test.each([
    ["no anthropic_version", "rawPredict", { max_tokens: 32, messages: [{ role: "user", content: "Hi" }] }, 400, /anthropic_version/],
    ["a model in the body", "rawPredict", { ...claudeBody, model: "claude-sonnet-4-5" }, 400, /model: Extra inputs/],
    ["streamRawPredict without stream: true", "streamRawPredict", claudeBody, 400, /stream/],
    ["a Messages body error, found by the Anthropic fake", "rawPredict", { ...claudeBody, max_tokens: undefined }, 400, /max_tokens/],
  ])("claude: %s is refused", async (_name, method, body, status, message) => {
    const refused = await post(`publishers/anthropic/models/claude-sonnet-4-5@20250929:${method}`, body);
    expect(refused.status).toBe(status);
    expect(refused.text).toMatch(message);
  });

  test("claude rawPredict answers an Anthropic message", async () => {
    const answered = await post("publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict", claudeBody);
    expect(answered).toMatchObject({ status: 200, json: { type: "message", content: [{ type: "text", text: FAKE_TEXT }] } });
  });

  test("a Claude model under the google publisher, and gemini streams without alt=sse, are refused", async () => {
    expect((await post("publishers/google/models/claude-sonnet-4-5@20250929:rawPredict", claudeBody)).status).toBe(404);
    expect((await post("publishers/google/models/gemini-2.5-flash:streamGenerateContent", { contents: [{ role: "user", parts: [{ text: "Hi" }] }] })).status).toBe(400);
  });

  test("embeddings: gemini-embedding-001 takes one instance; unknown parameters are refused", async () => {
    expect((await post("publishers/google/models/gemini-embedding-001:predict", { instances: [{ content: "a" }, { content: "b" }] })).status).toBe(400);
    expect((await post("publishers/google/models/text-embedding-005:predict", { instances: [{ content: "a" }], parameters: { dimensions: 8 } })).status).toBe(400);
    const answered = await post("publishers/google/models/text-embedding-005:predict", { instances: [{ content: "abcdefgh" }], parameters: { outputDimensionality: 4 } });
    expect(answered).toMatchObject({ status: 200, json: { predictions: [{ embeddings: { statistics: { token_count: 2, truncated: false } } }] } });
    expect(answered.json.predictions[0].embeddings.values).toHaveLength(4);
  });
});

describe("fake vertex token counts", () => {
  const contents = [{ role: "user", parts: [{ text: "How many tokens?" }] }];

  test("gemini countTokens answers totalTokens and billable characters", async () => {
    const body = { contents, systemInstruction: { parts: [{ text: "Be brief." }] } };
    const answered = await post("publishers/google/models/gemini-2.5-flash:countTokens", body);
    expect(answered).toMatchObject({ status: 200, json: { totalTokens: fakeGeminiTokens(body), totalBillableCharacters: "How many tokens?Be brief.".replace(/\s/g, "").length, promptTokensDetails: [{ modality: "TEXT" }] } });
  });

  test.each([
    ["a generateContent-only field (toolConfig)", { contents, toolConfig: { functionCallingConfig: { mode: "AUTO" } } }, /Unknown name "toolConfig"/],
    ["the AI Studio wrapper", { generateContentRequest: { contents } }, /Unknown name "generateContentRequest"/],
    ["another model in the body", { contents, model: "projects/p/locations/l/publishers/google/models/other" }, /model must be/],
    ["no contents", {}, /contents is not specified/],
  ])("gemini countTokens refuses %s", async (_name, body, message) => {
    const refused = await post("publishers/google/models/gemini-2.5-flash:countTokens", body);
    expect(refused).toMatchObject({ status: 400, json: { error: { status: "INVALID_ARGUMENT" } } });
    expect(refused.json.error.message).toMatch(message);
  });

  test("claude count-tokens:rawPredict answers input_tokens for the model in the body", async () => {
    const body = { anthropic_version: "vertex-2023-10-16", model: "claude-sonnet-4-5@20250929", messages: [{ role: "user", content: "Hi" }] };
    const answered = await post("publishers/anthropic/models/count-tokens:rawPredict", body);
    expect(answered).toMatchObject({ status: 200, json: { input_tokens: fakeInputTokens(body) } });
  });

  test.each([
    ["no model", { messages: [{ role: "user", content: "Hi" }] }, 400, /model: Field required/],
    ["another anthropic_version", { anthropic_version: "2023-06-01", model: "claude-sonnet-4-5@20250929", messages: [{ role: "user", content: "Hi" }] }, 400, /anthropic_version/],
    ["max_tokens (refused by Anthropic's counter)", { model: "claude-sonnet-4-5@20250929", max_tokens: 5, messages: [{ role: "user", content: "Hi" }] }, 400, /max_tokens: Extra inputs/],
    ["a non-Claude model", { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hi" }] }, 404, /model: gemini/],
  ])("claude count-tokens refuses %s", async (_name, body, status, message) => {
    const refused = await post("publishers/anthropic/models/count-tokens:rawPredict", body);
    expect(refused.status).toBe(status);
    expect(refused.text).toMatch(message);
  });

  test("counts need a valid bearer like every route", async () => {
    expect((await post("publishers/google/models/gemini-2.5-flash:countTokens", { contents }, "ya29.invented")).status).toBe(401);
    expect((await post("publishers/anthropic/models/count-tokens:rawPredict", { model: "claude-sonnet-4-5@20250929", messages: [] }, "")).status).toBe(401);
  });
});

describe("fake vertex: anthropic_beta and embedding task types", () => {
  const rawPredict = "publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict";

  test("Claude takes known beta names in the anthropic_beta body array", async () => {
    const answered = await post(rawPredict, { ...claudeBody, anthropic_beta: ["context-1m-2025-08-07"] });
    expect(answered).toMatchObject({ status: 200, json: { content: [{ type: "text", text: FAKE_TEXT }] } });
  });

  test.each([
    ["an unknown name", ["no-such-beta-2099-01-01"], "Unsupported beta header: no-such-beta-2099-01-01"],
    ["a string instead of a list", "context-1m-2025-08-07", "anthropic_beta: Input should be a valid list of strings"],
  ])("Claude refuses %s", async (_name, betas, message) => {
    const answered = await post(rawPredict, { ...claudeBody, anthropic_beta: betas });
    expect(answered).toMatchObject({ status: 400, json: { type: "error", error: { type: "invalid_request_error", message } } });
  });

  test("the Claude counter takes anthropic_beta too", async () => {
    const body = { model: "claude-sonnet-4-5@20250929", messages: [{ role: "user", content: "Hi" }] };
    expect((await post("publishers/anthropic/models/count-tokens:rawPredict", { ...body, anthropic_beta: ["context-1m-2025-08-07"] })).status).toBe(200);
    expect((await post("publishers/anthropic/models/count-tokens:rawPredict", { ...body, anthropic_beta: ["nope-2099-01-01"] })).status).toBe(400);
  });

  test.each(["RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "CLASSIFICATION", "CLUSTERING"])("embeddings accept task_type %s", async (taskType) => {
    expect((await post("publishers/google/models/text-embedding-005:predict", { instances: [{ content: "a", task_type: taskType }] })).status).toBe(200);
  });

  test("embeddings refuse an unknown task_type, and a title without RETRIEVAL_DOCUMENT", async () => {
    expect((await post("publishers/google/models/text-embedding-005:predict", { instances: [{ content: "a", task_type: "search_query" }] })).status).toBe(400);
    expect((await post("publishers/google/models/text-embedding-005:predict", { instances: [{ content: "a", task_type: "RETRIEVAL_QUERY", title: "t" }] })).status).toBe(400);
  });
});
