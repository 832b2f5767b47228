import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { e2eEnv } from "../support/e2e-env";
import { createKey, fakeRequests } from "../support/gateway-client";

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

// The official openai SDK's Responses client (POST /v1/responses): https://platform.openai.com/docs/api-reference/responses
// (create, stream: true events, previous_response_id), served by an OpenAI and an Anthropic model.
test("openai SDK: responses.create non-stream, stream and previous_response_id chaining", async ({ request }) => {
  const { key } = await createKey(request);
  const client = new OpenAI({ baseURL: `${e2eEnv().baseURL}/v1`, apiKey: key, maxRetries: 0 });
  const fakeUrls = { "gpt-4o-mini": e2eEnv().fakeOpenAIUrl, "claude-haiku-4-5": e2eEnv().fakeAnthropicUrl };
  for (const [model, fakeUrl] of Object.entries(fakeUrls)) {
    const first = await client.responses.create({ model, input: "Say hi" });
    expect(first).toMatchObject({ object: "response", status: "completed", model, usage: { input_tokens: 21, output_tokens: 7, total_tokens: 28 } });
    expect(first.id).toMatch(/^resp_/);
    expect(first.output_text).toBe("Hello from the fake provider.");
    expect(first.output).toMatchObject([{ type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello from the fake provider." }] }]);

    const stream = await client.responses.create({ model, input: "Say hi", stream: true });
    const types: string[] = [];
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe("Hello from the fake provider.");
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(completed).toMatchObject({ status: "completed", usage: { input_tokens: 21, output_tokens: 7 } });

    const chained = await client.responses.create({ model, input: "And once more", previous_response_id: first.id });
    expect(chained).toMatchObject({ status: "completed", previous_response_id: first.id });
    expect(chained.output_text).toBe("Hello from the fake provider.");
    // The provider received the stored turn before the new one: "Say hi", the answer, then "And once more".
    const upstream = (await fakeRequests(fakeUrl)).filter((entry) => JSON.stringify(entry.body ?? null).includes("And once more")).at(-1);
    expect(JSON.stringify(upstream?.body.messages)).toMatch(/Say hi.*Hello from the fake provider\..*And once more/);

    const missing = await client.responses.create({ model, input: "x", previous_response_id: "resp_0000000000000000" }).catch((error) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  }
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

// References for the clients below:
//   Vercel AI SDK 6: https://ai-sdk.dev/providers/openai-compatible-providers (createOpenAICompatible({ baseURL, apiKey, name })),
//   https://ai-sdk.dev/docs/reference/ai-sdk-core/generate-text, .../stream-text (textStream), .../step-count-is (stopWhen),
//   https://ai-sdk.dev/docs/ai-sdk-core/tools-and-tool-calling (tool({ description, inputSchema, execute })).
//   LangChain JS: https://js.langchain.com/docs/integrations/chat/openai (ChatOpenAI configuration.baseURL, invoke, stream, bindTools).
const SDK_MODELS = ["gpt-4o-mini", "claude-haiku-4-5", "gemini-2.5-flash"] as const;
/** What each fake answers in its "tool" scenario for a tool whose only required property is `location`. */
const SDK_TOOL_INPUTS: Record<(typeof SDK_MODELS)[number], Record<string, unknown>> = {
  "gpt-4o-mini": { location: "Paris", unit: "celsius" },
  "claude-haiku-4-5": { location: "Paris" },
  "gemini-2.5-flash": { location: "fake" },
};
const SDK_WEATHER_SCHEMA = { type: "object" as const, properties: { location: { type: "string" as const } }, required: ["location"] };

test("vercel ai SDK: generateText, streamText and a tool loop against every provider", async ({ request }) => {
  const { generateText, jsonSchema, stepCountIs, streamText, tool } = await import("ai");
  const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
  const { key } = await createKey(request);
  const gateway = createOpenAICompatible({ baseURL: `${e2eEnv().baseURL}/v1`, apiKey: key, name: "modelgate", includeUsage: true });
  for (const model of SDK_MODELS) {
    const generated = await generateText({ model: gateway(model), prompt: "Say hi", maxRetries: 0 });
    expect(generated.text).toBe("Hello from the fake provider.");
    expect(generated.finishReason).toBe("stop");
    expect(generated.usage).toMatchObject({ inputTokens: 21, outputTokens: 7, totalTokens: 28 });

    const streamed = streamText({ model: gateway(model), prompt: "Say hi", maxRetries: 0 });
    let text = "";
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toBe("Hello from the fake provider.");
    expect(await streamed.usage).toMatchObject({ inputTokens: 21, outputTokens: 7 });

    const inputs: unknown[] = [];
    const getWeather = tool({
      description: "The weather in a city",
      inputSchema: jsonSchema<{ location: string }>(SDK_WEATHER_SCHEMA),
      execute: async (input) => {
        inputs.push(input);
        return { forecast: "sunny" };
      },
    });
    // The fakes answer every request carrying [[fake:tool]] with a tool call, so two steps both call the tool.
    const looped = await generateText({ model: gateway(model), prompt: "Weather in Paris? [[fake:tool]]", tools: { get_weather: getWeather }, stopWhen: stepCountIs(2), maxRetries: 0 });
    expect(looped.steps).toHaveLength(2);
    expect(looped.finishReason).toBe("tool-calls");
    expect(inputs).toEqual([SDK_TOOL_INPUTS[model], SDK_TOOL_INPUTS[model]]);
    expect(looped.steps[0].toolResults).toMatchObject([{ toolName: "get_weather", output: { forecast: "sunny" } }]);
  }
});

test("langchain ChatOpenAI: invoke, stream and bindTools against every provider", async ({ request }) => {
  const { ChatOpenAI } = await import("@langchain/openai");
  const { key } = await createKey(request);
  for (const model of SDK_MODELS) {
    const chat = new ChatOpenAI({ model, apiKey: key, maxRetries: 0, configuration: { baseURL: `${e2eEnv().baseURL}/v1` } });
    const answer = await chat.invoke("Say hi");
    expect(answer.content).toBe("Hello from the fake provider.");
    expect(answer.usage_metadata).toMatchObject({ input_tokens: 21, output_tokens: 7, total_tokens: 28 });

    let text = "";
    for await (const chunk of await chat.stream("Say hi")) text += typeof chunk.content === "string" ? chunk.content : "";
    expect(text).toBe("Hello from the fake provider.");

    const withTools = chat.bindTools([{ type: "function", function: { name: "get_weather", description: "The weather in a city", parameters: SDK_WEATHER_SCHEMA } }]);
    const called = await withTools.invoke("Weather in Paris? [[fake:tool]]");
    expect(called.tool_calls).toMatchObject([{ name: "get_weather", args: SDK_TOOL_INPUTS[model], type: "tool_call" }]);
    expect(called.response_metadata.finish_reason).toBe("tool_calls");
  }
});
