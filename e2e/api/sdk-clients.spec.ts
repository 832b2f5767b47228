import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { e2eEnv } from "../support/e2e-env";
import { createKey } from "../support/gateway-client";

// The official openai SDK with only baseURL and the key changed.
test("openai SDK: non-stream and stream against every provider", async ({ request }) => {
  const { key } = await createKey(request);
  const client = new OpenAI({ baseURL: `${e2eEnv().baseURL}/v1`, apiKey: key, maxRetries: 0 });
  for (const model of ["gpt-4o-mini", "claude-haiku-4-5", "gemini-2.5-flash"]) {
    const completion = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hi" }] });
    expect(completion.choices[0].message.content).toBe("Hello from the fake provider.");
    expect(completion.usage?.total_tokens).toBe(28);

    const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hi" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Hello from the fake provider.");
    expect(usage?.prompt_tokens).toBe(21);

    const models = await client.models.list();
    expect(models.data.map((entry) => entry.id)).toContain(model);
  }
});

test("openai SDK: errors surface as APIError with status and code; a cut stream throws", async ({ request }) => {
  const { key } = await createKey(request);
  const client = new OpenAI({ baseURL: `${e2eEnv().baseURL}/v1`, apiKey: key, maxRetries: 0 });
  const notFound = await client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((error) => error);
  expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
  expect(notFound.code).toBe("model_not_found");

  const badKey = new OpenAI({ baseURL: `${e2eEnv().baseURL}/v1`, apiKey: "vk_wrong", maxRetries: 0 });
  expect(await badKey.models.list().catch((error) => error)).toBeInstanceOf(OpenAI.AuthenticationError);

  const stream = await client.chat.completions.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "[[fake:cut]]" }], stream: true });
  const consumed = (async () => {
    for await (const _chunk of stream) {
      // consume
    }
  })();
  await expect(consumed).rejects.toThrow(/stream ended before it was complete/);
});

// The official Anthropic SDK against /v1/messages, served by every provider behind it.
test("anthropic SDK: /v1/messages against OpenAI, Anthropic and Gemini models", async ({ request }) => {
  const { default: Anthropic } = await import("@anthropic-ai/sdk");
  const { key } = await createKey(request);
  const client = new Anthropic({ baseURL: e2eEnv().baseURL, apiKey: key, maxRetries: 0 });
  for (const model of ["gpt-4o-mini", "claude-haiku-4-5", "gemini-2.5-flash"]) {
    const message = await client.messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "Say hi" }] });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello from the fake provider." });
    expect(message.usage.output_tokens).toBe(7);
    const streamed = await client.messages.stream({ model, max_tokens: 64, messages: [{ role: "user", content: "Say hi" }] }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: "text", text: "Hello from the fake provider." });
  }
  const missing = await client.messages.create({ model: "nope", max_tokens: 8, messages: [{ role: "user", content: "x" }] }).catch((error) => error);
  expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
});
