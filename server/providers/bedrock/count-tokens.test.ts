import { describe, expect, test } from "vitest";
import type { ChatRequest, GatewayError, Target } from "@/server/gateway/types";
import { buildCountRequest as build, countTokensModelId, isCountUnsupported } from "./count-tokens";
import { parseError } from "./errors";
import { createBedrockAdapter } from "./index";
import { authorized } from "./test-utils";

const NOW = new Date("2026-11-27T12:00:00.000Z");
const adapter = createBedrockAdapter({ now: () => NOW });
const target: Target = { provider: "bedrock", connectionId: "conn_1", baseUrl: "https://bedrock-runtime.eu-west-1.amazonaws.com", apiKey: "AKIDTEST:secret/key", upstreamModel: "eu.anthropic.claude-haiku-4-5-20251001-v1:0", modelName: "haiku" };
const tool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

describe("Bedrock CountTokens requests", () => {
  test.each([
    ["us.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0"],
    ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["us-gov.anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic.claude-3-7-sonnet-20250219-v1:0"],
    ["anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"],
    ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-sonnet-4-20250514-v1:0"],
    ["amazon.nova-lite-v1:0", undefined],
    ["meta.llama3-70b-instruct-v1:0", undefined],
  ])("the model id CountTokens takes for %s is %s", (modelId, expected) => {
    expect(countTokensModelId(modelId)).toBe(expected);
  });

  test("the Converse translation without inference settings, signed for the region, on the foundation model", async () => {
    const request: ChatRequest = { model: "haiku", max_completion_tokens: 50, temperature: 0.3, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Weather?" }], tools: [tool], tool_choice: "auto" };
    const built = await authorized(adapter, build(request, target)!, target);
    expect(built.url).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/count-tokens");
    expect(built.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20261127\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
    expect(built.headers["x-amz-date"]).toBe("20261127T120000Z");
    expect(JSON.parse(built.body)).toEqual({
      input: {
        converse: {
          system: [{ text: "Be brief." }],
          messages: [{ role: "user", content: [{ text: "Weather?" }] }],
          toolConfig: { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: tool.function.parameters } } }], toolChoice: { auto: {} } },
        },
      },
    });
  });

  test("thinking is part of the count input; other models are not counted by Bedrock", () => {
    const request: ChatRequest = { model: "haiku", reasoning_effort: "low", messages: [{ role: "user", content: "Think." }] };
    const converse = JSON.parse(build(request, target)!.body).input.converse;
    expect(converse.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: expect.any(Number) } });
    expect(build(request, { ...target, upstreamModel: "amazon.nova-lite-v1:0" })).toBeUndefined();
  });

  test("a malformed credential is sent unsigned with a warning", async () => {
    const malformed = { ...target, apiKey: "nope" };
    const built = await authorized(adapter, build({ model: "haiku", messages: [{ role: "user", content: "Hi" }] }, malformed)!, malformed);
    expect(built.headers.authorization).toBeUndefined();
    expect(built.warnings).toEqual([expect.objectContaining({ code: "other" })]);
  });

  test("only Bedrock's 'doesn't support counting tokens' answer means unsupported", () => {
    const answer = (type: string, status: number, message: string) => parseError(status, JSON.stringify({ message }), new Headers({ "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` }));
    expect(isCountUnsupported(answer("ValidationException", 400, "The provided model doesn't support counting tokens."))).toBe(true);
    expect(isCountUnsupported(answer("ValidationException", 400, "messages.0.content must not be empty."))).toBe(false);
    expect(isCountUnsupported(answer("ThrottlingException", 429, "doesn't support counting tokens"))).toBe(false);
    expect(isCountUnsupported({ kind: "timeout", phase: "connect" } as GatewayError)).toBe(false);
  });
});
