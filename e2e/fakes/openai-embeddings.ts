/**
 * A fake OpenAI embeddings server (POST /v1/embeddings) for gateway tests. Configure the gateway with
 * baseUrl `${fake.url}/v1` and apiKey FAKE_OPENAI_API_KEY (the same key as the chat fake).
 * References:
 *   https://platform.openai.com/docs/api-reference/embeddings/create  (input string | string[] | int[] | int[][],
 *     no empty strings, ≤2048 items; model; dimensions (text-embedding-3 and later only); encoding_format float|base64; user)
 *   https://platform.openai.com/docs/api-reference/embeddings/object  (answer and usage)
 *   https://platform.openai.com/docs/guides/error-codes               (error bodies)
 * Unknown fields and bad values answer OpenAI's 400 body. Vectors come from fakeEmbedding(); a token
 * array embeds as the text of its ids joined by spaces. Usage: FAKE_EMBEDDING_TOKENS per input.
 * `[[fake:error:NNN]]` in any input answers HTTP NNN with OpenAI's error body.
 */
import { startFake, type FakeContext, type FakeUpstream } from "./common";
import { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from "./fake-embeddings";
import { FAKE_OPENAI_API_KEY } from "./openai-fake";

export const FAKE_OPENAI_EMBEDDING_MODELS = ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"];
export const FAKE_EMBEDDING_TOKENS = 4;
const FIELDS = new Set(["input", "model", "dimensions", "encoding_format", "user"]);

type Json = Record<string, unknown>;

export function startFakeOpenAIEmbeddings(port = 0): Promise<FakeUpstream> {
  return startFake("openai-embeddings", handle, port);
}

function sendError(context: FakeContext, status: number, message: string, extra: { type?: string; param?: string | null; code?: string | null } = {}): void {
  context.json(status, { error: { message, type: extra.type ?? "invalid_request_error", param: extra.param ?? null, code: extra.code ?? null } });
}

function handle(context: FakeContext): void {
  if (`${context.request.method} ${context.url.pathname}` !== "POST /v1/embeddings") {
    return sendError(context, 404, `Invalid URL (${context.request.method} ${context.url.pathname})`);
  }
  if (context.request.headers.authorization !== `Bearer ${FAKE_OPENAI_API_KEY}`) {
    return sendError(context, 401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", { code: "invalid_api_key" });
  }
  const body = context.body as Json;
  const invalid = validate(body);
  if (invalid) return sendError(context, 400, invalid.message, { param: invalid.param });
  const scenario = context.record.scenario;
  if (scenario.name === "error") {
    const type = scenario.status === 429 ? "rate_limit_error" : scenario.status >= 500 ? "server_error" : "invalid_request_error";
    return sendError(context, scenario.status, `Fake error ${scenario.status}.`, { type, code: scenario.status === 429 ? "rate_limit_exceeded" : null });
  }
  const texts = inputTexts(body.input);
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : FAKE_EMBEDDING_DIMENSIONS;
  const data = texts.map((text, index) => {
    const vector = fakeEmbedding(text, dimensions);
    const embedding = body.encoding_format === "base64" ? float32Base64(vector) : vector;
    return { object: "embedding", index, embedding };
  });
  const tokens = FAKE_EMBEDDING_TOKENS * texts.length;
  context.json(200, { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

function validate(body: unknown): { message: string; param: string | null } | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { message: "We could not parse the JSON body of your request.", param: null };
  const json = body as Json;
  const unknown = Object.keys(json).find((field) => !FIELDS.has(field));
  if (unknown) return { message: `Unrecognized request argument supplied: ${unknown}`, param: null };
  if (typeof json.model !== "string") return { message: "you must provide a model parameter", param: null };
  if (!FAKE_OPENAI_EMBEDDING_MODELS.includes(json.model)) return { message: `The model \`${json.model}\` does not exist or you do not have access to it.`, param: "model" };
  if (!isValidInput(json.input)) return { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", param: "input" };
  if (json.dimensions !== undefined) {
    if (!Number.isInteger(json.dimensions) || (json.dimensions as number) < 1) return { message: "Invalid value for 'dimensions': must be a positive integer.", param: "dimensions" };
    if (json.model === "text-embedding-ada-002") return { message: "This model does not support specifying dimensions.", param: "dimensions" };
  }
  if (json.encoding_format !== undefined && json.encoding_format !== "float" && json.encoding_format !== "base64") {
    return { message: `Invalid value for 'encoding_format': '${String(json.encoding_format)}'. Supported values are: 'float' and 'base64'.`, param: "encoding_format" };
  }
  if (json.user !== undefined && typeof json.user !== "string") return { message: "Invalid type for 'user': expected a string.", param: "user" };
  return undefined;
}

const isTokenArray = (value: unknown): value is number[] => Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && item >= 0);

function isValidInput(input: unknown): boolean {
  if (typeof input === "string") return input.length > 0;
  if (!Array.isArray(input) || input.length === 0 || input.length > 2048) return false;
  return input.every((item) => typeof item === "string" && item.length > 0) || isTokenArray(input) || input.every(isTokenArray);
}

function inputTexts(input: unknown): string[] {
  if (typeof input === "string") return [input];
  const items = input as unknown[];
  if (isTokenArray(items)) return [items.join(" ")];
  return items.map((item) => (Array.isArray(item) ? item.join(" ") : String(item)));
}

/** OpenAI's base64 format: the float32 values, little-endian. Written independently of the gateway's encoder. */
function float32Base64(vector: number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return Buffer.from(view.buffer).toString("base64");
}
