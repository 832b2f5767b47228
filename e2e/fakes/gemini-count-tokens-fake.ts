/**
 * A fake Gemini token counter (POST /v1beta/models/{model}:countTokens) for gateway tests; configure a `gemini`
 * connection with baseUrl `${fake.url}/v1beta` and FAKE_GEMINI_API_KEY.
 * Reference: https://ai.google.dev/api/tokens#method:-models.counttokens
 *   body: `contents` or `generateContentRequest` (mutually exclusive); generateContentRequest is a GenerateContentRequest
 *   with `model` ("models/{model}", matching the path), contents, systemInstruction?, tools?, toolConfig?,
 *   safetySettings?, generationConfig?, cachedContent?; answer {totalTokens, promptTokensDetails}.
 *   Key in x-goog-api-key (missing: 403 PERMISSION_DENIED; wrong: 400 API_KEY_INVALID); unknown fields: 400 INVALID_ARGUMENT.
 * The count is deterministic: fakeGeminiTokens(generateContentRequest).
 */
import { startFake, type FakeContext, type FakeUpstream } from "./common";
import { FAKE_GEMINI_API_KEY } from "./gemini-fake";

const REQUEST_FIELDS = ["model", "contents", "systemInstruction", "tools", "toolConfig", "safetySettings", "generationConfig", "cachedContent"];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** One token per 4 characters of the contents, system instruction and tools (as JSON), rounded up. */
export function fakeGeminiTokens(request: { contents?: unknown; systemInstruction?: unknown; tools?: unknown }): number {
  return Math.ceil(JSON.stringify({ contents: request.contents ?? null, systemInstruction: request.systemInstruction ?? null, tools: request.tools ?? null }).length / 4);
}

export function startFakeGeminiCountTokens(port = 0): Promise<FakeUpstream> {
  return startFake("gemini-count-tokens", handle, port);
}

function sendError(context: FakeContext, code: number, status: string, message: string): void {
  context.json(code, { error: { code, message, status } });
}

function handle(context: FakeContext): void {
  const match = /^\/v1beta\/models\/([^/:]+):countTokens$/.exec(context.url.pathname);
  if (context.request.method !== "POST" || !match) return sendError(context, 404, "NOT_FOUND", "Requested entity was not found.");
  const key = context.request.headers["x-goog-api-key"];
  if (!key) return sendError(context, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  if (key !== FAKE_GEMINI_API_KEY) return sendError(context, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
  const problem = validate(context.body, `models/${decodeURIComponent(match[1])}`);
  if (problem) return sendError(context, 400, "INVALID_ARGUMENT", problem);
  const request = isObject(context.body) && isObject(context.body.generateContentRequest) ? context.body.generateContentRequest : (context.body as Json);
  const totalTokens = fakeGeminiTokens(request);
  context.json(200, { totalTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: totalTokens }] });
}

function validate(body: unknown, model: string): string | undefined {
  if (!isObject(body)) return "Invalid JSON payload received.";
  const unknown = Object.keys(body).find((field) => field !== "contents" && field !== "generateContentRequest");
  if (unknown) return `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`;
  if (body.contents !== undefined && body.generateContentRequest !== undefined) return "contents and generateContentRequest are mutually exclusive.";
  const request = body.generateContentRequest ?? { model, contents: body.contents };
  if (!isObject(request)) return "Invalid value at 'generate_content_request'";
  const field = Object.keys(request).find((name) => !REQUEST_FIELDS.includes(name));
  if (field) return `Invalid JSON payload received. Unknown name "${field}" at 'generate_content_request': Cannot find field.`;
  if (request.model !== model) return `* GenerateContentRequest.model: the model must match the parent model (${model}).`;
  if (!Array.isArray(request.contents) || request.contents.length === 0) return "* GenerateContentRequest.contents: contents is not specified";
  const badPart = request.contents.some((content) => !isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0);
  if (badPart) return "* GenerateContentRequest.contents: contents.parts must not be empty.";
  return undefined;
}
