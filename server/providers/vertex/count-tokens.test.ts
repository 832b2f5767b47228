import { describe, expect, test } from "vitest";
import type { ChatRequest, Target } from "@/server/gateway/types";
import { buildClaudeCountRequest, buildGoogleCountRequest } from "./count-tokens";

const base = "https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5";
const gemini: Target = { provider: "vertex", connectionId: "conn_1", baseUrl: base, apiKey: "ya29.token", upstreamModel: "gemini-2.5-flash", modelName: "flash" };
const claude: Target = { ...gemini, upstreamModel: "claude-sonnet-4-5@20250929", modelName: "sonnet" };
const tool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

describe("Vertex AI count requests", () => {
  test("gemini: :countTokens with contents, systemInstruction and tools; no toolConfig or credentials in the built request", () => {
    const request: ChatRequest = { model: "flash", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Weather?" }], tools: [tool], tool_choice: "required" };
    const built = buildGoogleCountRequest(request, gemini);
    expect(built.url).toBe(`${base}/publishers/google/models/gemini-2.5-flash:countTokens`);
    expect(built.headers).toEqual({ "content-type": "application/json" });
    const body = JSON.parse(built.body);
    expect(Object.keys(body).sort()).toEqual(["contents", "systemInstruction", "tools"]);
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(body.tools[0].functionDeclarations[0].name).toBe("get_weather");
  });

  test("claude: count-tokens:rawPredict, Anthropic's body with the Vertex model id and anthropic_version", () => {
    const built = buildClaudeCountRequest({ model: "sonnet", system: "S", messages: [{ role: "user", content: "Hi" }] }, claude);
    expect(built.url).toBe(`${base}/publishers/anthropic/models/count-tokens:rawPredict`);
    expect(JSON.parse(built.body)).toEqual({ anthropic_version: "vertex-2023-10-16", model: "claude-sonnet-4-5@20250929", system: "S", messages: [{ role: "user", content: "Hi" }] });
    expect(built.headers.authorization).toBeUndefined();
  });
});
