/**
 * Request builders and answer readers for the conformance matrix (conformance.test.ts).
 * References:
 *   https://platform.openai.com/docs/api-reference/chat/create      (tools, image_url data URLs, response_format json_schema, reasoning_effort)
 *   https://platform.openai.com/docs/api-reference/chat-streaming   (chunk deltas, tool_calls deltas, finish_reason)
 *   https://docs.claude.com/en/api/messages                          (image base64 blocks, tools/input_schema, thinking.budget_tokens,
 *                                                                     output_config.format {type:"json_schema", schema})
 *   https://docs.claude.com/en/docs/build-with-claude/streaming     (content_block_* and message_delta events)
 *   https://docs.claude.com/en/docs/build-with-claude/extended-thinking (thinking blocks, thinking_delta events)
 * Reasoning comes out as the gateway documents it (README "Reasoning"): chat `reasoning_content` on the message / delta
 * and usage.completion_tokens_details.reasoning_tokens; messages `thinking` blocks / thinking_delta events (Anthropic's
 * usage has no reasoning count); responses: see conformance-responses.ts.
 */
import { readResponseJson, readResponseStream } from "./conformance-responses";
import { readSse } from "./harness";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded answers, read field by field

export type Feature = "text" | "tools" | "image" | "json_schema" | "reasoning";
export type Inbound = "chat" | "messages" | "responses";

/** A 1×1 transparent PNG. */
export const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
export const PNG_DATA_URL = `data:image/png;base64,${PNG_BASE64}`;
export const WEATHER_PARAMETERS = { type: "object", properties: { location: { type: "string" } }, required: ["location"] };
export const ANSWER_SCHEMA = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };

/** An answer from either inbound API, normalised for assertions. */
export interface Answer {
  status: number;
  warnings: string[];
  text: string;
  toolCalls: { name: string; arguments: unknown }[];
  /** finish_reason (chat), stop_reason (messages) or the response status (responses). */
  finish: string | null;
  /** Reasoning text, joined. */
  reasoning: string;
  /** Reasoning tokens from the usage, where the inbound API has the field (null: no such field, or no usage). */
  reasoningTokens: number | null;
  error?: string;
}

export function buildChatBody(model: string, feature: Feature, stream: boolean): Record<string, unknown> {
  const base = { model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
  const user = (content: unknown) => ({ ...base, messages: [{ role: "user", content }] });
  switch (feature) {
    case "text":
      return user("Hi");
    case "tools":
      return { ...user("Weather in Paris? [[fake:tool]]"), tools: [{ type: "function", function: { name: "get_weather", description: "The weather in a city", parameters: WEATHER_PARAMETERS } }] };
    case "image":
      return user([{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: PNG_DATA_URL } }]);
    case "json_schema":
      return { ...user("Answer in JSON."), response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema: ANSWER_SCHEMA } } };
    case "reasoning":
      return { ...user("Think, then answer."), reasoning_effort: "low" };
  }
}

export function buildMessagesBody(model: string, feature: Feature, stream: boolean): Record<string, unknown> {
  const base = { model, stream, max_tokens: 2048 };
  const user = (content: unknown) => ({ ...base, messages: [{ role: "user", content }] });
  switch (feature) {
    case "text":
      return user("Hi");
    case "tools":
      return { ...user("Weather in Paris? [[fake:tool]]"), tools: [{ name: "get_weather", description: "The weather in a city", input_schema: WEATHER_PARAMETERS }] };
    case "image":
      return user([{ type: "text", text: "What is this?" }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } }]);
    case "json_schema":
      return { ...user("Answer in JSON."), output_config: { format: { type: "json_schema", schema: ANSWER_SCHEMA } } };
    case "reasoning":
      return { ...user("Think, then answer."), thinking: { type: "enabled", budget_tokens: 1024 } };
  }
}

const PATHS: Record<Inbound, string> = { chat: "/v1/chat/completions", messages: "/v1/messages", responses: "/v1/responses" };
const READERS: Record<Inbound, { json(answer: Answer, body: Json): Answer; stream(answer: Answer, events: Json[]): Answer }> = {
  chat: { json: readChatJson, stream: readChatStream },
  messages: { json: readMessageJson, stream: readMessageStream },
  responses: { json: readResponseJson, stream: readResponseStream },
};

export async function send(gatewayUrl: string, token: string, inbound: Inbound, body: Record<string, unknown>): Promise<Answer> {
  const headers: Record<string, string> = inbound === "messages" ? { "x-api-key": token, "anthropic-version": "2023-06-01" } : { authorization: `Bearer ${token}` };
  const response = await fetch(`${gatewayUrl}${PATHS[inbound]}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
  const warnings = (response.headers.get("x-modelgate-warnings") ?? "").split(", ").filter((item) => item.length > 0);
  const answer: Answer = { status: response.status, warnings, text: "", toolCalls: [], finish: null, reasoning: "", reasoningTokens: null };
  if (response.status !== 200) return { ...answer, error: await response.text() };
  if (body.stream !== true) return READERS[inbound].json(answer, (await response.json()) as Json);
  const events = (await readSse(response)).filter((data) => data !== "[DONE]").map((data) => JSON.parse(data) as Json);
  return READERS[inbound].stream(answer, events);
}

function readChatJson(answer: Answer, body: Json): Answer {
  const choice = (body.choices as Json[])[0];
  const message = choice.message as Json;
  const calls = (message.tool_calls ?? []) as { function: { name: string; arguments: string } }[];
  const toolCalls = calls.map((call) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown }));
  const reasoningTokens = body.usage?.completion_tokens_details?.reasoning_tokens ?? null;
  return { ...answer, text: message.content ?? "", reasoning: message.reasoning_content ?? "", finish: choice.finish_reason, toolCalls, reasoningTokens };
}

function readChatStream(answer: Answer, chunks: Json[]): Answer {
  const calls: { name: string; arguments: string }[] = [];
  let text = "";
  let reasoning = "";
  let finish: string | null = null;
  let reasoningTokens: number | null = null;
  for (const chunk of chunks) {
    reasoningTokens = chunk.usage?.completion_tokens_details?.reasoning_tokens ?? reasoningTokens;
    const choice = (chunk.choices as Json[] | undefined)?.[0];
    if (!choice) continue;
    const delta = choice.delta as { content?: string | null; reasoning_content?: string | null; tool_calls?: { index: number; function?: { name?: string; arguments?: string } }[] };
    text += delta.content ?? "";
    reasoning += delta.reasoning_content ?? "";
    for (const call of delta.tool_calls ?? []) {
      calls[call.index] ??= { name: "", arguments: "" };
      calls[call.index].name += call.function?.name ?? "";
      calls[call.index].arguments += call.function?.arguments ?? "";
    }
    finish = choice.finish_reason ?? finish;
  }
  return { ...answer, text, reasoning, finish, reasoningTokens, toolCalls: calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })) };
}

function readMessageJson(answer: Answer, body: Json): Answer {
  const blocks = body.content as { type: string; text?: string; thinking?: string; name?: string; input?: unknown }[];
  const text = blocks.filter((block) => block.type === "text").map((block) => block.text).join("");
  const reasoning = blocks.filter((block) => block.type === "thinking").map((block) => block.thinking).join("");
  const toolCalls = blocks.filter((block) => block.type === "tool_use").map((block) => ({ name: block.name!, arguments: block.input }));
  return { ...answer, text, reasoning, toolCalls, finish: body.stop_reason };
}

function readMessageStream(answer: Answer, events: Json[]): Answer {
  const calls: { name: string; json: string }[] = [];
  const toolIndexes = new Map<number, number>();
  let text = "";
  let reasoning = "";
  let finish: string | null = null;
  for (const event of events) {
    const { type, index } = event as { type: string; index: number };
    if (type === "content_block_start" && (event.content_block as { type: string }).type === "tool_use") {
      toolIndexes.set(index, calls.push({ name: (event.content_block as { name: string }).name, json: "" }) - 1);
    }
    if (type === "content_block_delta") {
      const delta = event.delta as { type: string; text?: string; thinking?: string; partial_json?: string };
      if (delta.type === "text_delta") text += delta.text;
      if (delta.type === "thinking_delta") reasoning += delta.thinking;
      if (delta.type === "input_json_delta") calls[toolIndexes.get(index)!].json += delta.partial_json;
    }
    if (type === "message_delta") finish = (event.delta as { stop_reason: string }).stop_reason;
  }
  return { ...answer, text, reasoning, finish, toolCalls: calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.json || "{}") as unknown })) };
}
