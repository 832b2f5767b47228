/**
 * Every provider's "prompt too long" refusal comes out as OpenAI's context_length_exceeded (HTTP 400,
 * invalid_request_error, param "messages"), through each adapter's parseError and the gateway's one mapping
 * (toOpenAIError); other 400s keep their own codes. Fixtures are the recorded bodies; `source` says where each was seen.
 */
import { describe, expect, test } from "vitest";
import { toOpenAIError } from "@/server/gateway/errors";
import type { ProviderAdapter } from "@/server/gateway/types";
import { embeddingsAdapters } from "./embeddings";
import { adapters } from "./index";
import { readFixture } from "./test-utils";

interface Row {
  provider: keyof typeof adapters;
  fixture: string;
  status: number;
  source: string;
  headers?: Record<string, string>;
}

const overflows: Row[] = [
  { provider: "openai", fixture: "openai-error-400-context.json", status: 400, source: "https://github.com/assafelovic/gpt-researcher/issues/680" },
  { provider: "azure", fixture: "openai-error-400-context.json", status: 400, source: "https://github.com/Azure-Samples/azure-search-openai-demo/issues/1199" },
  { provider: "anthropic", fixture: "anthropic-prompt-too-long.json", status: 400, source: "https://github.com/anthropics/claude-code/issues/12186" },
  { provider: "anthropic", fixture: "anthropic-context-limit.json", status: 400, source: "https://github.com/docker/docker-agent/issues/569" },
  { provider: "gemini", fixture: "gemini-error-400-context.json", status: 400, source: "https://github.com/google-gemini/gemini-cli/issues/6678" },
  { provider: "vertex", fixture: "vertex-error-400-context.json", status: 400, source: "https://github.com/googleapis/python-genai/issues/2466" },
  { provider: "vertex", fixture: "vertex-error-400-input-token-count.json", status: 400, source: "https://github.com/google-gemini/gemini-cli/issues/19727" },
  { provider: "vertex", fixture: "anthropic-prompt-too-long.json", status: 400, source: "Claude on Vertex answers in Anthropic's shape (https://docs.claude.com/en/api/claude-on-vertex-ai)" },
  { provider: "deepseek", fixture: "deepseek-error-400-context.json", status: 400, source: "https://github.com/evalstate/fast-agent/issues/621" },
  { provider: "mistral", fixture: "mistral-error-400-context.json", status: 400, source: "https://portkey.ai/error-library/context-length-exceeded-error-13710000" },
  { provider: "qwen", fixture: "qwen-error-400-context.json", status: 400, source: "https://github.com/agentscope-ai/QwenPaw/issues/6255" },
  { provider: "bedrock", fixture: "bedrock-validation-input-too-long.json", status: 400, headers: { "x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/" }, source: "https://github.com/aws-samples/assessment-generator/issues/2" },
  { provider: "bedrock", fixture: "bedrock-validation-prompt-too-long.json", status: 400, headers: { "x-amzn-errortype": "ValidationException" }, source: "https://github.com/aaif-goose/goose/pull/7504" },
];

const others: (Row & { code: string })[] = [
  { provider: "openai", fixture: "openai-error-400.json", status: 400, code: "invalid_type", source: "openai-response.test.ts" },
  { provider: "anthropic", fixture: "anthropic-invalid-request.json", status: 400, code: "upstream_invalid_request", source: "anthropic-response.test.ts" },
  { provider: "anthropic", fixture: "anthropic-request-too-large.json", status: 413, code: "upstream_invalid_request", source: "a request over the byte limit is not a context overflow" },
  { provider: "gemini", fixture: "gemini-error-400.json", status: 400, code: "upstream_invalid_request", source: "gemini-response.test.ts" },
];

function mapped({ provider, fixture, status, headers }: Row) {
  const adapter: ProviderAdapter = adapters[provider];
  return toOpenAIError(adapter.parseError(status, readFixture(fixture), new Headers(headers)));
}

describe("context window overflow → context_length_exceeded", () => {
  test.each(overflows)("$provider: $fixture", (row) => {
    const { status, body } = mapped(row);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "context_length_exceeded", param: "messages" });
    expect(body.error.message.startsWith(`${row.provider}: `)).toBe(true);
  });

  test.each(others)("$provider: $fixture keeps its own code ($code)", (row) => {
    const { status, body } = mapped(row);
    expect({ status, code: body.error.code }).toEqual({ status: row.status, code: row.code });
  });
});

describe("on /v1/embeddings the overflow names `input`", () => {
  test.each<{ provider: "openai" | "mistral" | "gemini" | "vertex" | "bedrock"; fixture: string; headers: Record<string, string> }>([
    { provider: "openai", fixture: "openai-error-400-context.json", headers: {} },
    { provider: "mistral", fixture: "mistral-error-400-context.json", headers: {} },
    { provider: "gemini", fixture: "gemini-error-400-context.json", headers: {} },
    { provider: "vertex", fixture: "vertex-error-400-context.json", headers: {} },
    { provider: "bedrock", fixture: "bedrock-validation-input-too-long.json", headers: { "x-amzn-errortype": "ValidationException" } },
  ])("$provider", ({ provider, fixture, headers }) => {
    const error = embeddingsAdapters[provider]!.parseError(400, readFixture(fixture), new Headers(headers));
    expect(toOpenAIError(error).body.error).toMatchObject({ type: "invalid_request_error", code: "context_length_exceeded", param: "input" });
  });
});
