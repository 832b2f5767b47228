import { describe, expect, test } from "vitest";
import { countTokensRequestSchema } from "./count-tokens/count-request";
import { embeddingsRequestSchema } from "./embeddings/embeddings-request";
import { anthropicInbound } from "./inbound/anthropic";
import { openaiInbound } from "./inbound/openai";
import { responsesInbound } from "./inbound/responses";
import { parseBody } from "./parse-body";

/** The documented request limits (request-limits.ts), each refused with OpenAI's code and wording before any provider call. */
const many = <T>(count: number, item: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => item(index));
const entries = (count: number, value: (index: number) => unknown) => Object.fromEntries(many(count, (index) => [String(index), value(index)]));
const hi = [{ role: "user", content: "Hi" }];
const tool = (name: string) => ({ type: "function", function: { name, parameters: { type: "object", properties: {} } } });
const longKey = "k".repeat(70);
const quotedKey = `${"k".repeat(64)}…`;

type Row = [name: string, body: Record<string, unknown>, param: string | null, code: string, message: string];

const chatRows: Row[] = [
  ["129 tools", { tools: many(129, (index) => tool(`f${index}`)) }, "tools", "array_above_max_length", "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead."],
  ["100,001 messages", { messages: many(100_001, () => hi[0]) }, "messages", "array_above_max_length", "Invalid 'messages': array too long. Expected an array with maximum length 100000, but got an array with length 100001 instead."],
  ["no messages", { messages: [] }, "messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."],
  ["5 stop sequences", { stop: ["a", "b", "c", "d", "e"] }, "stop", "array_above_max_length", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead."],
  ["n 129", { n: 129 }, "n", "integer_above_max_value", "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead."],
  ["n 0", { n: 0 }, "n", "integer_below_min_value", "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."],
  ["temperature 3", { temperature: 3 }, "temperature", "decimal_above_max_value", "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."],
  ["17 metadata keys", { metadata: entries(17, () => "v") }, "metadata", "object_above_max_properties", "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead."],
  ["a 70-character metadata key", { metadata: { [longKey]: "v" } }, `metadata.${quotedKey}`, "property_name_above_max_length", `Invalid property name in 'metadata': '${quotedKey}' is too long. Expected a string with maximum length 64, but got a string with length 70 instead.`],
  ["a 513-character metadata value", { metadata: { k: "x".repeat(513) } }, "metadata.k", "string_above_max_length", "Invalid 'metadata.k': string too long. Expected a string with maximum length 512, but got a string with length 513 instead."],
  ["301 logit_bias entries", { logit_bias: entries(301, () => 1) }, "logit_bias", "object_above_max_properties", "Invalid 'logit_bias': too many properties. Expected an object with at most 300 properties, but got an object with 301 properties instead."],
  ["a logit_bias of 101", { logit_bias: { "50256": 101 } }, "logit_bias.50256", "integer_above_max_value", "Invalid 'logit_bias.50256': integer above maximum value. Expected a value <= 100, but got 101 instead."],
  ["a logit_bias of -101", { logit_bias: { "50256": -101 } }, "logit_bias.50256", "integer_below_min_value", "Invalid 'logit_bias.50256': integer below minimum value. Expected a value >= -100, but got -101 instead."],
  ["a logit_bias key that is no token id", { logit_bias: { AI: 1 } }, "logit_bias", "invalid_value", "Invalid key in 'logit_bias': AI. You should only be submitting non-negative integers."],
  ["a 65-character function name", { tools: [tool("f".repeat(65))] }, "tools[0].function.name", "string_above_max_length", "Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead."],
  ["a function name with a dot", { tools: [tool("mcp.search")] }, "tools[0].function.name", "invalid_value", "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."],
  ["a json_schema name with a space", { response_format: { type: "json_schema", json_schema: { name: "my schema" } } }, "response_format.json_schema.name", "invalid_value", "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."],
  ["a 257-character user", { user: "u".repeat(257) }, "user", "string_above_max_length", "Invalid 'user': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
  ["a 257-character model", { model: "m".repeat(257) }, "model", "string_above_max_length", "Invalid 'model': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
];

const responsesRows: Row[] = [
  ["100,001 input items", { input: many(100_001, () => hi[0]) }, "input", "array_above_max_length", "Invalid 'input': array too long. Expected an array with maximum length 100000, but got an array with length 100001 instead."],
  ["129 tools", { tools: many(129, (index) => ({ type: "function", name: `f${index}` })) }, "tools", "array_above_max_length", "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead."],
  ["a 65-character function name", { tools: [{ type: "function", name: "f".repeat(65) }] }, "tools[0].name", "string_above_max_length", "Invalid 'tools[0].name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead."],
  ["a function name with a slash", { tools: [{ type: "function", name: "server/search" }] }, "tools[0].name", "invalid_value", "Invalid 'tools[0].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."],
  ["17 metadata keys", { metadata: entries(17, () => "v") }, "metadata", "object_above_max_properties", "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead."],
  ["a 513-character metadata value", { metadata: { k: "x".repeat(513) } }, "metadata.k", "string_above_max_length", "Invalid 'metadata.k': string too long. Expected a string with maximum length 512, but got a string with length 513 instead."],
  ["a 257-character user", { user: "u".repeat(257) }, "user", "string_above_max_length", "Invalid 'user': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
  ["a 257-character model", { model: "m".repeat(257) }, "model", "string_above_max_length", "Invalid 'model': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
];

const messagesRows: Row[] = [
  ["100,001 messages", { messages: many(100_001, () => hi[0]) }, "messages", "array_above_max_length", "Invalid 'messages': array too long. Expected an array with maximum length 100000, but got an array with length 100001 instead."],
  ["a 129-character tool name", { tools: [{ name: "t".repeat(129) }] }, "tools[0].name", "string_above_max_length", "Invalid 'tools[0].name': string too long. Expected a string with maximum length 128, but got a string with length 129 instead."],
  ["a tool name with a dot", { tools: [{ name: "mcp.search" }] }, "tools[0].name", "invalid_value", "Invalid 'tools[0].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,128}$'."],
  ["a 257-character metadata.user_id", { metadata: { user_id: "u".repeat(257) } }, "metadata.user_id", "string_above_max_length", "Invalid 'metadata.user_id': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
  ["a 257-character model", { model: "m".repeat(257) }, "model", "string_above_max_length", "Invalid 'model': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
];

const embeddingsRows: Row[] = [
  ["2,049 texts", { input: many(2049, () => "x") }, "input", "array_above_max_length", "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length 2049 instead."],
  ["2,049 token arrays", { input: many(2049, () => [1]) }, "input", "array_above_max_length", "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length 2049 instead."],
  ["8,193 token ids", { input: many(8193, () => 1) }, "input", "invalid_value", "Invalid 'input': maximum input length is 8192 tokens."],
  ["8,193 token ids in the second input", { input: [[1], many(8193, () => 1)] }, "input[1]", "invalid_value", "Invalid 'input[1]': maximum input length is 8192 tokens."],
  ["300,001 token ids in all", { input: [...many(36, () => many(8192, () => 1)), many(5089, () => 1)] }, null, "max_tokens_per_request", "Requested 300001 tokens, max 300000 tokens per request"],
  ["a 257-character user", { user: "u".repeat(257) }, "user", "string_above_max_length", "Invalid 'user': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
  ["a 257-character model", { model: "m".repeat(257) }, "model", "string_above_max_length", "Invalid 'model': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."],
];

const expectRefusal = (result: unknown, param: string | null, code: string, message: string) =>
  expect(result).toEqual({ ok: false, error: { kind: "invalid_request", message, code, ...(param === null ? {} : { param }) } });

describe("POST /v1/chat/completions", () => {
  test.each(chatRows)("%s", (_name, fields, param, code, message) => {
    expectRefusal(openaiInbound.parseRequest({ model: "mini", messages: hi, ...fields }), param, code, message);
  });

  test("each limit itself is accepted", () => {
    const body = {
      model: "m".repeat(256),
      messages: hi,
      tools: many(128, (index) => tool(`f_${index}-${"x".repeat(50)}`.slice(0, 64))),
      stop: ["a", "b", "c", "d"],
      n: 128,
      metadata: { ...entries(15, () => "v"), ["k".repeat(64)]: "😀".repeat(512) },
      logit_bias: entries(300, (index) => (index % 2 ? 100 : -100)),
      user: "😀".repeat(256),
    };
    expect(openaiInbound.parseRequest(body).ok).toBe(true);
  });
});

describe("POST /v1/responses", () => {
  test.each(responsesRows)("%s", (_name, fields, param, code, message) => {
    expectRefusal(responsesInbound.parseRequest({ model: "mini", input: "Hi", ...fields }), param, code, message);
  });
});

describe("POST /v1/messages and /v1/messages/count_tokens", () => {
  test.each(messagesRows)("messages: %s", (_name, fields, param, code, message) => {
    expectRefusal(anthropicInbound.parseRequest({ model: "haiku", max_tokens: 10, messages: hi, ...fields }), param, code, message);
  });

  test.each(messagesRows)("count_tokens: %s", (_name, fields, param, code, message) => {
    expectRefusal(parseBody(countTokensRequestSchema, { model: "haiku", messages: hi, ...fields }), param, code, message);
  });
});

describe("POST /v1/embeddings", () => {
  test.each(embeddingsRows)("%s", (_name, fields, param, code, message) => {
    expectRefusal(parseBody(embeddingsRequestSchema, { model: "embed", input: "x", ...fields }), param, code, message);
  });

  test("2,048 texts, and 36 inputs of 8,192 token ids (294,912 in all), are accepted", () => {
    expect(parseBody(embeddingsRequestSchema, { model: "embed", input: many(36, () => many(8192, () => 1)) }).ok).toBe(true);
    expect(parseBody(embeddingsRequestSchema, { model: "embed", input: many(2048, () => "x") }).ok).toBe(true);
  });
});
