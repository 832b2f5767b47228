import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { startFakeGeminiEmbeddings } from "@/e2e/fakes/gemini-embeddings";
import { FAKE_GEMINI_API_KEY } from "@/e2e/fakes/gemini-fake";
import { startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { FAKE_VERTEX_LOCATION, FAKE_VERTEX_PROJECT, startFakeVertex, type FakeVertex } from "@/e2e/fakes/vertex-fake";
import { makeKey, makeModel, startTestGateway } from "./harness";

/** The `input_type` extension on POST /v1/embeddings → Google's task type on Gemini and Vertex AI. */
let geminiFake: FakeUpstream;
let openaiFake: FakeUpstream;
let vertexFake: FakeVertex;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();

beforeAll(async () => {
  [geminiFake, openaiFake, vertexFake] = await Promise.all([startFakeGeminiEmbeddings(), startFakeOpenAIEmbeddings(), startFakeVertex()]);
  const vertexBase = `${vertexFake.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}`;
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("gemini-embed", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-embedding-001"),
      makeModel("vertex-embed", "vertex", vertexBase, vertexFake.serviceAccountJson, "text-embedding-005"),
      makeModel("embed-small", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "text-embedding-3-small"),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([geminiFake.close(), openaiFake.close(), vertexFake.close()]);
});

function embed(body: unknown) {
  return fetch(`${gateway.url}/v1/embeddings`, { method: "POST", headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

const CASES = [
  ["search_document", "RETRIEVAL_DOCUMENT"],
  ["search_query", "RETRIEVAL_QUERY"],
  ["classification", "CLASSIFICATION"],
  ["clustering", "CLUSTERING"],
] as const;

describe("input_type → task type", () => {
  test.each(CASES)("gemini: %s → taskType %s on every request, no warning", async (inputType, taskType) => {
    const response = await embed({ model: "gemini-embed", input: ["a", "b"], input_type: inputType });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    expect(geminiFake.received.at(-1)!.body).toEqual({
      requests: ["a", "b"].map((text) => ({ model: "models/gemini-embedding-001", content: { parts: [{ text }] }, taskType })),
    });
  });

  test.each(CASES)("vertex: %s → instances[].task_type %s, no warning", async (inputType, taskType) => {
    const response = await embed({ model: "vertex-embed", input: ["a", "b"], input_type: inputType });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    expect(vertexFake.received.at(-1)!.body).toEqual({ instances: [{ content: "a", task_type: taskType }, { content: "b", task_type: taskType }], parameters: { autoTruncate: false } });
  });

  test("without input_type no task type is sent", async () => {
    expect((await embed({ model: "gemini-embed", input: "a" })).status).toBe(200);
    expect(JSON.stringify(geminiFake.received.at(-1)!.body)).not.toContain("taskType");
    expect((await embed({ model: "vertex-embed", input: "a" })).status).toBe(200);
    expect(JSON.stringify(vertexFake.received.at(-1)!.body)).not.toContain("task_type");
  });

  test("openai still ignores it with a warning", async () => {
    const response = await embed({ model: "embed-small", input: "a", input_type: "search_query" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:input_type");
    expect(openaiFake.received.at(-1)!.body).not.toHaveProperty("input_type");
  });

  test("an unknown input_type is a 400 before any provider is called", async () => {
    const sent = geminiFake.received.length;
    const response = await embed({ model: "gemini-embed", input: "a", input_type: "semantic_similarity" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error", param: "input_type" } });
    expect(geminiFake.received.length).toBe(sent);
  });
});
