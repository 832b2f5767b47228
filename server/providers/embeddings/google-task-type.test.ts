import { describe, expect, test } from "vitest";
import { embeddingsRequestSchema, EMBEDDING_INPUT_TYPES, GOOGLE_TASK_TYPES, inputTypeWarnings } from "@/server/gateway/embeddings/embeddings-request";
import type { Target } from "@/server/gateway/types";
import { embeddingsAdapters } from ".";

const geminiTarget: Target = { provider: "gemini", connectionId: "conn_1", baseUrl: "https://generativelanguage.googleapis.com/v1beta", apiKey: "AIza-test", upstreamModel: "gemini-embedding-001", modelName: "embed" };
const vertexTarget: Target = { ...geminiTarget, provider: "vertex", baseUrl: "https://us-central1-aiplatform.googleapis.com/v1/projects/p-1/locations/us-central1", apiKey: "", upstreamModel: "text-embedding-005" };

function bodyOf(provider: "gemini" | "vertex", fields: Record<string, unknown>, target: Target) {
  const built = embeddingsAdapters[provider]!.buildEmbeddingsRequest(embeddingsRequestSchema.parse({ model: "embed", input: ["a", "b"], ...fields }), target);
  if (!built.ok) throw new Error(JSON.stringify(built.error));
  return { body: JSON.parse(built.value.body) as Record<string, unknown>, warnings: built.value.warnings };
}

describe("input_type → Google task type", () => {
  test("every input_type has a task type", () => {
    expect(Object.keys(GOOGLE_TASK_TYPES).sort()).toEqual([...EMBEDDING_INPUT_TYPES].sort());
  });

  test.each(Object.entries(GOOGLE_TASK_TYPES))("gemini: %s → taskType %s on each request", (inputType, taskType) => {
    const { body, warnings } = bodyOf("gemini", { input_type: inputType, dimensions: 8 }, geminiTarget);
    expect(body.requests).toEqual(["a", "b"].map((text) => ({ model: "models/gemini-embedding-001", content: { parts: [{ text }] }, taskType, outputDimensionality: 8 })));
    expect(warnings).toEqual([]);
  });

  test.each(Object.entries(GOOGLE_TASK_TYPES))("vertex: %s → instances[].task_type %s", (inputType, taskType) => {
    const { body, warnings } = bodyOf("vertex", { input_type: inputType }, vertexTarget);
    expect(body.instances).toEqual([{ content: "a", task_type: taskType }, { content: "b", task_type: taskType }]);
    expect(warnings).toEqual([]);
  });

  test("no input_type, no task type", () => {
    expect(JSON.stringify(bodyOf("gemini", {}, geminiTarget).body)).not.toContain("taskType");
    expect(JSON.stringify(bodyOf("vertex", {}, vertexTarget).body)).not.toContain("task_type");
  });

  test("the pipeline warns only for providers without a mapping", () => {
    const request = embeddingsRequestSchema.parse({ model: "embed", input: "a", input_type: "clustering" });
    expect(inputTypeWarnings(request, "gemini")).toEqual([]);
    expect(inputTypeWarnings(request, "vertex")).toEqual([]);
    expect(inputTypeWarnings(request, "openai")).toEqual([expect.objectContaining({ code: "unsupported_parameter", param: "input_type" })]);
  });
});
