import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_AZURE_API_KEY, FAKE_AZURE_ENTRA_TOKEN, startFakeAzure } from "@/e2e/fakes/azure-fake";
import { FAKE_TEXT, type FakeUpstream, type RecordedRequest } from "@/e2e/fakes/common";
import { makeKey, makeModel, postJson, readCleanChatStream, startTestGateway } from "./harness";

let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();

beforeAll(async () => {
  fake = await startFakeAzure();
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      // The catalog shape: a deployment named differently from the public model name.
      makeModel("gpt-4o-mini", "azure", `${fake.url}?api-version=2024-10-21`, FAKE_AZURE_API_KEY, "chat-prod"),
      // The v1 API with a Microsoft Entra ID token.
      makeModel("entra-4.1", "azure", `${fake.url}?api-version=v1`, FAKE_AZURE_ENTRA_TOKEN, "gpt-4.1"),
      makeModel("wrong-key", "azure", `${fake.url}?api-version=2024-10-21`, "ffffffffffffffffffffffffffffffff", "chat-prod"),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const chat = (body: unknown) => postJson(`${gateway.url}/v1/chat/completions`, key.token, body);

const lastRequest = (): RecordedRequest => fake.received.at(-1)!;

describe("azure through the gateway", () => {
  test("non-stream: deployments path, api-key, body without model, exact usage and cost", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], max_tokens: 50 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-provider")).toBe("azure");
    const body = await response.json();
    expect(body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: FAKE_TEXT }, finish_reason: "stop" }] });
    expect(body.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 });
    const received = lastRequest();
    expect(received).toMatchObject({ method: "POST", path: "/openai/deployments/chat-prod/chat/completions", query: { "api-version": "2024-10-21" }, outcome: "completed" });
    expect(received.headers["api-key"]).toBe(FAKE_AZURE_API_KEY);
    expect(received.headers.authorization).toBeUndefined();
    expect(received.body).toEqual({ messages: [{ role: "user", content: "Hi" }], max_tokens: 50 });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 21 × 0.15 + 7 × 0.60 = 7.35 µ$
    expect(row).toMatchObject({ status: "success", httpStatus: 200, provider: "azure", stream: false, inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: "0.000007350000" });
  });

  test("stream: prompt-filter chunk skipped, usage chunk, [DONE], cached tokens billed", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi [[fake:cached]]" }] });
    expect(response.status).toBe(200);
    const chunks = await readCleanChatStream(response, FAKE_TEXT);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 } });
    expect(lastRequest().body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 13 × 0.15 + 8 × 0.075 + 7 × 0.60 = 6.75 µ$
    expect(row).toMatchObject({ status: "success", stream: true, inputTokens: 21, cachedInputTokens: 8, outputTokens: 7, tokensEstimated: false, costUsd: "0.000006750000" });
  });

  test("v1 API with an Entra ID token: model in the body, Bearer auth", async () => {
    const response = await chat({ model: "entra-4.1", messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe(FAKE_TEXT);
    const received = lastRequest();
    expect(received).toMatchObject({ path: "/openai/v1/chat/completions", query: {} });
    expect(received.headers.authorization).toBe(`Bearer ${FAKE_AZURE_ENTRA_TOKEN}`);
    expect(received.headers["api-key"]).toBeUndefined();
    expect(received.body).toEqual({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] });
  });

  test("azure/<model> addressing reaches the same deployment", async () => {
    const response = await chat({ model: "azure/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect((await response.json()).model).toBe("azure/gpt-4o-mini");
    expect(lastRequest().path).toBe("/openai/deployments/chat-prod/chat/completions");
  });

  test.each([
    { name: "content-filtered prompt", model: "gpt-4o-mini", content: "Hi [[fake:error:400]]", status: 400, error: { type: "invalid_request_error", code: "content_filter", param: "prompt" } },
    { name: "missing deployment", model: "gpt-4o-mini", content: "Hi [[fake:error:404]]", status: 404, error: { type: "invalid_request_error", code: "DeploymentNotFound", param: null } },
    { name: "rejected resource key", model: "wrong-key", content: "Hi", status: 502, error: { type: "upstream_error", code: "upstream_auth_failed", param: null } },
  ])("error: $name", async ({ model, content, status, error }) => {
    const before = gateway.rows.length;
    const response = await chat({ model, messages: [{ role: "user", content }] });
    expect(response.status).toBe(status);
    expect((await response.json()).error).toMatchObject(error);
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "error", httpStatus: status, provider: "azure", costUsd: "0.000000000000" });
  });
});

describe("the Azure fake is strict", () => {
  const deploymentPath = "/openai/deployments/chat-prod/chat/completions";
  test.each<{ name: string; path: string; headers: Record<string, string>; body: unknown; status: number; code: string | null }>([
    { name: "no api-version", path: deploymentPath, headers: { "api-key": FAKE_AZURE_API_KEY }, body: { messages: [{ role: "user", content: "Hi" }] }, status: 404, code: "404" },
    { name: "unknown api-version", path: `${deploymentPath}?api-version=2099-01-01`, headers: { "api-key": FAKE_AZURE_API_KEY }, body: { messages: [{ role: "user", content: "Hi" }] }, status: 400, code: "BadRequest" },
    { name: "no credential", path: `${deploymentPath}?api-version=2024-10-21`, headers: {}, body: { messages: [{ role: "user", content: "Hi" }] }, status: 401, code: "401" },
    { name: "unknown deployment", path: "/openai/deployments/nope/chat/completions?api-version=2024-10-21", headers: { "api-key": FAKE_AZURE_API_KEY }, body: { messages: [{ role: "user", content: "Hi" }] }, status: 404, code: "DeploymentNotFound" },
    { name: "model on the deployments path", path: `${deploymentPath}?api-version=2024-10-21`, headers: { "api-key": FAKE_AZURE_API_KEY }, body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, status: 400, code: null },
  ])("$name", async ({ path, headers, body, status, code }) => {
    const response = await fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
  });
});
