import { expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { Target } from "@/server/gateway/types";
import { anthropic } from "../anthropic";
import { openai } from "../openai";
import { buildRequest as buildVertexRequest } from "../vertex/request";
import { gemini } from "./index";

const target: Target = { provider: "gemini", connectionId: "c", baseUrl: "https://generativelanguage.googleapis.com/v1beta", apiKey: "k", upstreamModel: "gemini-2.5-flash", modelName: "flash" };
const tool = { type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } };
const parse = (fields: Record<string, unknown>) => chatRequestSchema.parse({ model: "flash", messages: [{ role: "system", content: "Rules" }, { role: "user", content: "Hi" }], ...fields });

test("cached_content → cachedContent; the cache's own system instruction and tools replace the request's, with warnings", () => {
  const built = gemini.buildRequest(parse({ cached_content: "cachedContents/abc-123", tools: [tool], tool_choice: "auto" }), target);
  expect(JSON.parse(built.body)).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], cachedContent: "cachedContents/abc-123" });
  expect(built.warnings.map((warning) => warning.param)).toEqual(["messages.system", "tools", "tool_choice"]);
});

test("without cached_content nothing changes", () => {
  const body = JSON.parse(gemini.buildRequest(parse({ tools: [tool] }), target).body);
  expect(body.cachedContent).toBeUndefined();
  expect(body.systemInstruction).toEqual({ parts: [{ text: "Rules" }] });
});

test("Vertex Gemini takes the Vertex resource name", () => {
  const name = "projects/p-1/locations/us-central1/cachedContents/42";
  const built = buildVertexRequest(parse({ cached_content: name }), { ...target, provider: "vertex", baseUrl: "https://us-central1-aiplatform.googleapis.com/v1/projects/p-1/locations/us-central1" });
  expect(JSON.parse(built.body).cachedContent).toBe(name);
});

test.each(["cachedContents/", "files/abc", "cachedContents/a/b", "../cachedContents/x"])("%s is not a cached content name (400)", (name) => {
  expect(chatRequestSchema.safeParse({ model: "m", messages: [{ role: "user", content: "Hi" }], cached_content: name }).success).toBe(false);
});

test("other providers omit it with a warning and never forward it", () => {
  const request = parse({ cached_content: "cachedContents/abc" });
  for (const adapter of [openai, anthropic]) {
    const built = adapter.buildRequest(request, { ...target, provider: adapter.id, upstreamModel: "m" });
    expect(built.body).not.toContain("cached");
    expect(built.warnings.some((warning) => warning.param === "cached_content")).toBe(true);
  }
});
