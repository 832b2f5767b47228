import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeAnthropicCountTokens } from "@/e2e/fakes/anthropic-count-tokens-fake";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { FAKE_VERTEX_LOCATION, FAKE_VERTEX_PROJECT, startFakeVertex, type FakeVertex } from "@/e2e/fakes/vertex-fake";
import { makeKey, makeModel, startTestGateway } from "./harness";

/** The `anthropic-beta` header of Anthropic-format clients reaches Claude upstreams (README: anthropic-beta). */
let anthropicFake: FakeUpstream;
let countFake: FakeUpstream;
let openaiFake: FakeUpstream;
let vertexFake: FakeVertex;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let client: Anthropic;
const key = makeKey();
const BETAS = ["interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14"] as const;
const messages = [{ role: "user" as const, content: "Hi" }];

beforeAll(async () => {
  [anthropicFake, countFake, openaiFake, vertexFake] = await Promise.all([startFakeAnthropic(), startFakeAnthropicCountTokens(), startFakeOpenAI(), startFakeVertex()]);
  const vertexBase = `${vertexFake.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}`;
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("haiku-count", "anthropic", `${countFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("vertex-sonnet", "vertex", vertexBase, vertexFake.serviceAccountJson, "claude-sonnet-4-5@20250929"),
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: key.token, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([anthropicFake.close(), countFake.close(), openaiFake.close(), vertexFake.close()]);
});

describe("anthropic-beta on /v1/messages", () => {
  test("the SDK's betas reach Anthropic as the anthropic-beta header, without a warning", async () => {
    const { data, response } = await client.beta.messages.create({ model: "haiku", max_tokens: 50, messages, betas: [...BETAS] }).withResponse();
    expect(data.content).toEqual([{ type: "text", text: FAKE_TEXT }]);
    expect(anthropicFake.received.at(-1)!.headers["anthropic-beta"]).toBe(BETAS.join(","));
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
  });

  test("streaming too", async () => {
    const stream = client.beta.messages.stream({ model: "haiku", max_tokens: 50, messages, betas: ["context-1m-2025-08-07"] });
    expect((await stream.finalMessage()).content).toEqual([{ type: "text", text: FAKE_TEXT }]);
    expect(anthropicFake.received.at(-1)!.headers["anthropic-beta"]).toBe("context-1m-2025-08-07");
  });

  test("no header in, no header out", async () => {
    await client.messages.create({ model: "haiku", max_tokens: 50, messages });
    expect(anthropicFake.received.at(-1)!.headers).not.toHaveProperty("anthropic-beta");
  });

  test("a beta Anthropic does not know is its 400, passed on", async () => {
    const error = await client.messages.create({ model: "haiku", max_tokens: 50, messages }, { headers: { "anthropic-beta": "no-such-beta-2099-01-01" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(anthropicFake.received.at(-1)!.headers["anthropic-beta"]).toBe("no-such-beta-2099-01-01");
  });

  test("a malformed beta name is refused by the gateway, Anthropic-shaped", async () => {
    const before = anthropicFake.received.length;
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key.token, "content-type": "application/json", "anthropic-version": "2023-06-01", "anthropic-beta": "ok-2025-01-01, not a name" },
      body: JSON.stringify({ model: "haiku", max_tokens: 50, messages }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("anthropic-beta") } });
    expect(anthropicFake.received.length).toBe(before);
  });

  test("claude on vertex: the anthropic_beta body field", async () => {
    await client.beta.messages.create({ model: "vertex-sonnet", max_tokens: 50, messages, betas: [...BETAS] });
    const body = vertexFake.received.at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({ anthropic_version: "vertex-2023-10-16", anthropic_beta: [...BETAS] });
  });

  test("an OpenAI model: dropped with an unsupported_parameter:anthropic_beta warning", async () => {
    const { data, response } = await client.beta.messages.create({ model: "mini", max_tokens: 50, messages, betas: [...BETAS] }).withResponse();
    expect(data.content).toEqual([{ type: "text", text: FAKE_TEXT }]);
    expect(response.headers.get("x-modelgate-warnings")).toContain("unsupported_parameter:anthropic_beta");
    const received = openaiFake.received.at(-1)!;
    expect(received.body).not.toHaveProperty("anthropic_beta");
    expect(received.headers).not.toHaveProperty("anthropic-beta");
    const row = (await gateway.waitForRows(gateway.rows.length)).at(-1)!;
    expect(row.warnings).toContainEqual(expect.objectContaining({ code: "unsupported_parameter", param: "anthropic_beta" }));
  });
});

describe("anthropic_beta from OpenAI-format clients", () => {
  test("the body field reaches Anthropic as the header", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "haiku", messages, anthropic_beta: ["context-1m-2025-08-07"] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    expect(anthropicFake.received.at(-1)!.headers["anthropic-beta"]).toBe("context-1m-2025-08-07");
  });
});

describe("anthropic-beta on /v1/messages/count_tokens", () => {
  // The SDK's beta countTokens adds token-counting-2024-11-01 to the caller's betas.
  test("forwarded to Anthropic's counter as the header", async () => {
    const counted = await client.beta.messages.countTokens({ model: "haiku-count", messages, betas: ["context-1m-2025-08-07"] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(countFake.received.at(-1)!.headers["anthropic-beta"]).toBe("context-1m-2025-08-07,token-counting-2024-11-01");
  });

  test("forwarded to Claude on Vertex's counter in the body", async () => {
    await client.beta.messages.countTokens({ model: "vertex-sonnet", messages, betas: ["context-1m-2025-08-07"] });
    const received = vertexFake.received.at(-1)!;
    expect(received.path).toMatch(/count-tokens:rawPredict$/);
    expect(received.body).toMatchObject({ anthropic_beta: ["context-1m-2025-08-07", "token-counting-2024-11-01"] });
  });
});
