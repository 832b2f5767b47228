/**
 * A fake Gemini embeddings server (POST /v1beta/models/{model}:batchEmbedContents) for gateway tests.
 * Configure the gateway with baseUrl `${fake.url}/v1beta` and the key FAKE_GEMINI_API_KEY.
 * References:
 *   https://ai.google.dev/api/embeddings#method:-models.batchembedcontents  (body {requests: [EmbedContentRequest]},
 *     each {model: "models/{model}" matching the path, content {parts [{text}]}, taskType?, title?, outputDimensionality?};
 *     answer {embeddings: [{values}]})
 *   https://ai.google.dev/api/embeddings#tasktype                          (TaskType values; title only for RETRIEVAL_DOCUMENT)
 *   https://ai.google.dev/gemini-api/docs/troubleshooting                  (error statuses)
 * The key is read from x-goog-api-key: missing is 403 PERMISSION_DENIED, wrong is 400 API_KEY_INVALID.
 * Unknown fields and bad values are 400 INVALID_ARGUMENT. No usage is reported, as by the real API.
 */
import { startFake, type FakeContext, type FakeUpstream } from "./common";
import { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from "./fake-embeddings";
import { FAKE_GEMINI_API_KEY } from "./gemini-fake";

export const FAKE_GEMINI_EMBEDDING_MODELS = ["gemini-embedding-001", "text-embedding-004"];
const TASK_TYPES = ["TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"];
const REQUEST_FIELDS = ["model", "content", "taskType", "title", "outputDimensionality"];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export function startFakeGeminiEmbeddings(port = 0): Promise<FakeUpstream> {
  return startFake("gemini-embeddings", handle, port);
}

function sendError(context: FakeContext, code: number, status: string, message: string, details?: unknown[]): void {
  context.json(code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

function handle(context: FakeContext): void {
  const match = /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/.exec(context.url.pathname);
  if (context.request.method !== "POST" || !match) return sendError(context, 404, "NOT_FOUND", "Requested entity was not found.");
  const key = context.request.headers["x-goog-api-key"];
  if (!key) return sendError(context, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  if (key !== FAKE_GEMINI_API_KEY) {
    return sendError(context, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }]);
  }
  const model = decodeURIComponent(match[1]);
  if (!FAKE_GEMINI_EMBEDDING_MODELS.includes(model)) return sendError(context, 404, "NOT_FOUND", `models/${model} is not found for API version v1beta, or is not supported for embedContent.`);
  const invalid = validate(context.body, `models/${model}`);
  if (invalid) return sendError(context, 400, "INVALID_ARGUMENT", invalid);
  const scenario = context.record.scenario;
  if (scenario.name === "error") {
    const status = { 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" }[scenario.status] ?? "INVALID_ARGUMENT";
    return sendError(context, scenario.status, status, `Fake error ${scenario.status}.`);
  }
  const requests = (context.body as { requests: Json[] }).requests;
  const embeddings = requests.map((request) => {
    const text = ((request.content as Json).parts as Json[]).map((part) => String(part.text)).join("");
    return { values: fakeEmbedding(text, (request.outputDimensionality as number | undefined) ?? FAKE_EMBEDDING_DIMENSIONS) };
  });
  context.json(200, { embeddings });
}

function validate(body: unknown, model: string): string | undefined {
  if (!isObject(body)) return "Invalid JSON payload received.";
  const unknown = Object.keys(body).find((field) => field !== "requests");
  if (unknown) return `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`;
  if (!Array.isArray(body.requests) || body.requests.length === 0) return "* BatchEmbedContentsRequest.requests: at least one request is required";
  for (const [index, request] of body.requests.entries()) {
    const path = `requests[${index}]`;
    if (!isObject(request)) return `Invalid value at '${path}'`;
    const field = Object.keys(request).find((name) => !REQUEST_FIELDS.includes(name));
    if (field) return `Invalid JSON payload received. Unknown name "${field}" at '${path}': Cannot find field.`;
    if (request.model !== model) return `* BatchEmbedContentsRequest.${path}.model: the model must match the parent model (${model}).`;
    const parts = isObject(request.content) ? request.content.parts : undefined;
    if (!Array.isArray(parts) || parts.length === 0 || !parts.every((part) => isObject(part) && typeof part.text === "string" && part.text !== "")) {
      return `* BatchEmbedContentsRequest.${path}.content: contents must have non-empty text parts`;
    }
    if (request.taskType !== undefined && !TASK_TYPES.includes(String(request.taskType))) return `Invalid value at '${path}.task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "${String(request.taskType)}"`;
    if (request.title !== undefined && request.taskType !== "RETRIEVAL_DOCUMENT") return `* BatchEmbedContentsRequest.${path}.title: title is only applicable with taskType RETRIEVAL_DOCUMENT`;
    const dimensions = request.outputDimensionality;
    if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > 3072)) {
      return `* BatchEmbedContentsRequest.${path}.output_dimensionality: must be between 1 and 3072`;
    }
  }
  return undefined;
}
