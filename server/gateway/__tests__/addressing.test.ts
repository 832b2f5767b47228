import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { makeKey, makeModel, readSse, startTestGateway } from "./harness";

let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const limitedKey = makeKey({ allowedModels: new Set(["mini"]) });

beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gateway = await startTestGateway({
    keys: [key.entry, limitedKey.entry],
    models: [
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("claude-haiku-4-5", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      // A model whose own name looks like a provider address: the exact name wins over the alias of "gpt".
      makeModel("gpt", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4.1"),
      makeModel("openai/gpt", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4.1-nano"),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close()]);
});

function chat(body: Record<string, unknown>, token = key.token) {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }], ...body }),
  });
}

const lastBody = (fake: FakeUpstream) => fake.received.at(-1)!.body as Record<string, unknown>;

describe("<provider>/<model> addressing", () => {
  test.each([
    ["openai/mini", () => openaiFake, "gpt-4o-mini"],
    ["anthropic/claude-haiku-4-5", () => anthropicFake, "claude-haiku-4-5-20251001"],
  ] as const)("%s is served by that model, and the response echoes the name sent", async (model, fake, upstreamModel) => {
    const before = gateway.rows.length;
    const response = await chat({ model });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: "chat.completion", model, choices: [{ message: { content: FAKE_TEXT } }] });
    expect(lastBody(fake())).toMatchObject({ model: upstreamModel });
    const rows = await gateway.waitForRows(before + 1);
    expect(rows.at(-1)).toMatchObject({ status: "success", requestedModel: model, servedModel: upstreamModel });
  });

  test("stream: chunks echo the provider address", async () => {
    const response = await chat({ model: "openai/mini", stream: true });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    expect(events.at(-1)).toBe("[DONE]");
    for (const data of events.slice(0, -1)) expect(JSON.parse(data).model).toBe("openai/mini");
  });

  test("an exact model name wins over a provider address", async () => {
    expect((await chat({ model: "openai/gpt" })).status).toBe(200);
    expect(lastBody(openaiFake)).toMatchObject({ model: "gpt-4.1-nano" });
    expect((await chat({ model: "gpt" })).status).toBe(200);
    expect(lastBody(openaiFake)).toMatchObject({ model: "gpt-4.1" });
  });

  test("the key's allow-list applies to the plain model name", async () => {
    expect((await chat({ model: "openai/mini" }, limitedKey.token)).status).toBe(200);
    expect((await chat({ model: "mini" }, limitedKey.token)).status).toBe(200);
  });

  test.each([
    ["a model outside the key's allow-list", "anthropic/claude-haiku-4-5", limitedKey],
    ["an unknown model", "openai/nope", key],
    ["a known model under another provider", "anthropic/mini", key],
    ["an unknown provider", "acme/mini", key],
  ] as const)("%s: 404 model_not_found", async (_case, model, caller) => {
    const response = await chat({ model }, caller.token);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", code: "model_not_found", param: "model" },
    });
  });

  test("GET /v1/models lists plain names only", async () => {
    const all = await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key.token}` } })).json();
    expect(all.data.map((model: { id: string }) => model.id)).toEqual(["claude-haiku-4-5", "gpt", "mini", "openai/gpt"]);
    const limited = await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${limitedKey.token}` } })).json();
    expect(limited.data.map((model: { id: string }) => model.id)).toEqual(["mini"]);
  });
});
