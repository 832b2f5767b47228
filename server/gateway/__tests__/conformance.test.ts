/**
 * Conformance matrix: provider × {non-stream, stream} × {text, tools, image, json_schema, reasoning} × inbound API
 * {chat: /v1/chat/completions, messages: /v1/messages, responses: /v1/responses}, through the whole pipeline against the
 * in-repo fakes. Each cell asserts the right answer (text, tool call, reasoning text and reasoning tokens), or a clear
 * 400, or a warning in x-modelgate-warnings, and records its result in
 * e2e/.tmp/conformance.json; `npm run conformance` turns that file into the README's table (scripts/conformance-matrix.mjs).
 * References: see conformance-cells.ts and conformance-responses.ts (wire formats) and conformance-providers.ts
 * (per-provider mechanisms).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_AZURE_API_KEY, startFakeAzure } from "@/e2e/fakes/azure-fake";
import { FAKE_BEDROCK_CREDENTIAL, startFakeBedrock } from "@/e2e/fakes/bedrock-fake";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_DEEPSEEK_API_KEY, startFakeDeepSeek } from "@/e2e/fakes/deepseek-fake";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "@/e2e/fakes/gemini-fake";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { FAKE_VERTEX_LOCATION, FAKE_VERTEX_PROJECT, startFakeVertex } from "@/e2e/fakes/vertex-fake";
import { buildChatBody, buildMessagesBody, send, type Answer, type Feature, type Inbound } from "./conformance-cells";
import { messagesJsonSchema, providerCases, type CellResult, type FeatureExpectation, type ProviderCase } from "./conformance-providers";
import { buildResponsesBody } from "./conformance-responses";
import { makeKey, makeModel, startTestGateway } from "./harness";

const OUTPUT_FILE = path.join(import.meta.dirname, "..", "..", "..", "e2e", ".tmp", "conformance.json");
const FEATURES: Feature[] = ["text", "tools", "image", "json_schema", "reasoning"];
const INBOUNDS: Inbound[] = ["chat", "messages", "responses"];
const BUILDERS = { chat: buildChatBody, messages: buildMessagesBody, responses: buildResponsesBody } satisfies Record<Inbound, unknown>;
/** What a finished answer's finish field says per inbound API: text, then tool call. */
const FINISH: Record<Inbound, [string, string]> = { chat: ["stop", "tool_calls"], messages: ["end_turn", "tool_use"], responses: ["completed", "completed"] };
const MODES = ["non-stream", "stream"] as const;

let fakes: Record<ProviderCase["fake"], FakeUpstream>;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const results: { provider: string; feature: Feature; inbound: Inbound; mode: (typeof MODES)[number]; result: CellResult; note: string | null }[] = [];

beforeAll(async () => {
  const [openai, anthropic, gemini, azure, deepseek, vertex, bedrock] = await Promise.all([
    startFakeOpenAI(), startFakeAnthropic(), startFakeGemini(), startFakeAzure(), startFakeDeepSeek(), startFakeVertex(), startFakeBedrock(),
  ]);
  fakes = { openai, anthropic, gemini, azure, deepseek, vertex, bedrock };
  const vertexBase = `${vertex.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}`;
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("openai-gpt-4o-mini", "openai", `${openai.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("openai-o4-mini", "openai", `${openai.url}/v1`, FAKE_OPENAI_API_KEY, "o4-mini"),
      makeModel("azure-gpt-4o-mini", "azure", `${azure.url}?api-version=2024-10-21`, FAKE_AZURE_API_KEY, "chat-prod"),
      makeModel("deepseek-chat", "deepseek", deepseek.url, FAKE_DEEPSEEK_API_KEY, "deepseek-chat"),
      makeModel("deepseek-reasoner", "deepseek", deepseek.url, FAKE_DEEPSEEK_API_KEY, "deepseek-reasoner"),
      makeModel("claude-haiku-4-5", "anthropic", `${anthropic.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("gemini-2.5-flash", "gemini", `${gemini.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-2.5-flash"),
      makeModel("vertex-flash", "vertex", vertexBase, vertex.serviceAccountJson, "gemini-2.5-flash"),
      makeModel("vertex-sonnet", "vertex", vertexBase, vertex.serviceAccountJson, "claude-sonnet-4-5@20250929"),
      makeModel("bedrock-haiku", "bedrock", bedrock.url, FAKE_BEDROCK_CREDENTIAL, "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
      makeModel("bedrock-nova-lite", "bedrock", bedrock.url, FAKE_BEDROCK_CREDENTIAL, "amazon.nova-lite-v1:0"),
    ],
  });
});

afterAll(async () => {
  await gateway.close();
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  mkdirSync(path.dirname(OUTPUT_FILE), { recursive: true });
  writeFileSync(OUTPUT_FILE, `${JSON.stringify({ generatedAt: new Date().toISOString(), cells: results }, null, 2)}\n`);
});

function expectationFor(provider: ProviderCase, feature: Feature, inbound: Inbound): FeatureExpectation {
  if (feature === "json_schema" && inbound === "messages") return messagesJsonSchema(provider);
  return provider.features[feature] ?? { result: "pass" };
}

/** Reasoning text only where the feature asks for it; reasoning tokens in usage where the inbound API has the field. */
function expectReasoning(answer: Answer, inbound: Inbound, expectation: FeatureExpectation): void {
  expect(answer.reasoning).toBe(expectation.reasoning?.text ?? "");
  if (inbound !== "messages") expect(answer.reasoningTokens).toBe(expectation.reasoning?.tokens ?? 0);
}

describe.each(providerCases)("$label", (provider) => {
  describe.each(INBOUNDS)("%s", (inbound) => {
    const cells = FEATURES.flatMap((feature) => MODES.map((mode) => ({ feature, mode })));
    test.each(cells)("$feature $mode", async ({ feature, mode }) => {
      const expectation = expectationFor(provider, feature, inbound);
      const fake = fakes[provider.fake];
      const before = fake.received.length;
      const isStream = mode === "stream";
      const model = provider.model(feature);
      const answer = await send(gateway.url, key.token, inbound, BUILDERS[inbound](model, feature, isStream));

      expect([...answer.warnings].sort()).toEqual([...provider.baseWarnings(inbound), ...(expectation.warnings ?? [])].sort());
      expect(fake.received.length).toBe(before + 1);
      const received = fake.received.at(-1)!;
      if (expectation.received) expect(expectation.received(received.body as Record<string, unknown>)).toEqual(expectation.expected);

      if (expectation.errorMessage) {
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.error!).error.message).toBe(expectation.errorMessage);
      } else if (feature === "tools") {
        expect(answer).toMatchObject({ status: 200, text: "", finish: FINISH[inbound][1] });
        expect(answer.toolCalls).toEqual([{ name: "get_weather", arguments: provider.toolArguments }]);
      } else {
        expect(answer).toMatchObject({ status: 200, text: expectation.text ?? FAKE_TEXT, toolCalls: [], finish: FINISH[inbound][0] });
        expectReasoning(answer, inbound, expectation);
      }
      results.push({ provider: provider.label, feature, inbound, mode, result: expectation.result, note: expectation.note ?? null });
    });
  });
});
