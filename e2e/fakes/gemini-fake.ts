/**
 * Fake Google Gemini API (v1beta generateContent / streamGenerateContent?alt=sse) for e2e tests.
 * The gateway is configured with baseUrl http://127.0.0.1:PORT/v1beta and the key FAKE_GEMINI_API_KEY.
 *
 * References:
 * - Endpoints, request body, GenerationConfig, response and UsageMetadata: https://ai.google.dev/api/generate-content
 * - Content, Part, Tool, FunctionDeclaration, ToolConfig: https://ai.google.dev/api/caching
 * - Error statuses: https://ai.google.dev/gemini-api/docs/troubleshooting
 * - Function-call turn ordering rules: https://ai.google.dev/gemini-api/docs/function-calling
 * - Thinking: https://ai.google.dev/gemini-api/docs/thinking (generationConfig.thinkingConfig {thinkingBudget,
 *   includeThoughts}; with includeThoughts the thought summary comes as parts with `thought: true` before the answer,
 *   and usageMetadata.thoughtsTokenCount counts the thinking tokens, which candidatesTokenCount does not include).
 *   Simplification: the fake thinks only when a thinkingConfig with a non-zero thinkingBudget (or includeThoughts) is
 *   sent, so plain requests keep the fixed usage.
 *
 * Like the real API: the key is read from x-goog-api-key (or ?key=); a missing key is 403
 * PERMISSION_DENIED, a wrong key is 400 INVALID_ARGUMENT with reason API_KEY_INVALID. Unknown fields,
 * wrong types, bad roles, empty parts and broken function-call turns are 400 INVALID_ARGUMENT.
 * Streams are `data: {GenerateContentResponse}\r\n\r\n` with no [DONE]: the last chunk has finishReason.
 */
import { FAKE_REASONING, FAKE_REASONING_DELTAS, FAKE_TEXT, FAKE_USAGE, startFake, streamDeltas, type FakeContext, type FakeUpstream, type Scenario } from "./common";

export const FAKE_GEMINI_API_KEY = "fake-gemini-key";

type Json = Record<string, unknown>;

class InvalidRequest extends Error {}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function fail(message: string): never {
  throw new InvalidRequest(message);
}

/** Checks an object's keys against a field list (camelCase or snake_case, as proto JSON allows) and returns it camelCased. */
function fields(value: unknown, path: string, allowed: string[], protoType: string): Json {
  if (!isObject(value)) fail(`Invalid value at '${path}' (${protoType}), ${JSON.stringify(value)}`);
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (!allowed.includes(camel(key))) fail(`Invalid JSON payload received. Unknown name "${key}"${path ? ` at '${path}'` : ""}: Cannot find field.`);
    result[camel(key)] = item;
  }
  return result;
}

const at = (path: string, name: string) => (path ? `${path}.${snake(name)}` : snake(name));

function checkType(value: unknown, path: string, type: "string" | "number" | "integer" | "boolean"): void {
  if (value === undefined) return;
  const valid = type === "integer" ? Number.isInteger(value) : typeof value === type;
  const protoType = { string: "TYPE_STRING", number: "TYPE_FLOAT", integer: "TYPE_INT32", boolean: "TYPE_BOOL" }[type];
  if (!valid) fail(`Invalid value at '${path}' (${protoType}), ${JSON.stringify(value)}`);
}

function checkRange(value: unknown, path: string, min: number, max: number): void {
  if (typeof value === "number" && (value < min || value > max)) fail(`* GenerateContentRequest.${path}: must be in the range [${min}, ${max}]\n`);
}

const base64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const dataFields = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];
const partFields = [...dataFields, "thought", "thoughtSignature", "videoMetadata", "partMetadata", "mediaResolution"];
const openApiSchemaFields = [
  "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties",
  "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf",
  "propertyOrdering", "default", "items", "minimum", "maximum",
];

function validatePart(raw: unknown, path: string, role: string): Json {
  const part = fields(raw, path, partFields, "TYPE_MESSAGE");
  const data = dataFields.filter((name) => part[name] !== undefined);
  if (data.length !== 1) fail(`* GenerateContentRequest.${path}.data: required oneof field 'data' must have exactly one initialized field\n`);
  checkType(part.text, at(path, "text"), "string");
  if (part.text === "") fail("Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.");
  checkType(part.thought, at(path, "thought"), "boolean");
  if (part.thoughtSignature !== undefined && (typeof part.thoughtSignature !== "string" || !base64.test(part.thoughtSignature))) fail(`Invalid value at '${at(path, "thoughtSignature")}' (TYPE_BYTES), Base64 decoding failed`);
  if (part.inlineData !== undefined) {
    const inline = fields(part.inlineData, at(path, "inlineData"), ["mimeType", "data"], "TYPE_MESSAGE");
    if (typeof inline.mimeType !== "string" || inline.mimeType === "") fail(`* GenerateContentRequest.${at(path, "inlineData")}.mime_type: mime_type is not specified\n`);
    if (typeof inline.data !== "string" || !base64.test(inline.data)) fail(`Invalid value at '${at(path, "inlineData")}.data' (TYPE_BYTES), Base64 decoding failed`);
  }
  if (part.fileData !== undefined) {
    const file = fields(part.fileData, at(path, "fileData"), ["mimeType", "fileUri", "displayName"], "TYPE_MESSAGE");
    if (typeof file.fileUri !== "string" || file.fileUri === "") fail(`* GenerateContentRequest.${at(path, "fileData")}.file_uri: file_uri is not specified\n`);
    checkType(file.mimeType, `${at(path, "fileData")}.mime_type`, "string");
  }
  if (part.functionCall !== undefined) {
    if (role !== "model") fail("Please ensure that function call parts are only in model turns.");
    const call = fields(part.functionCall, at(path, "functionCall"), ["id", "name", "args"], "TYPE_MESSAGE");
    if (typeof call.name !== "string" || call.name === "") fail(`* GenerateContentRequest.${at(path, "functionCall")}.name: Name cannot be empty.\n`);
    if (call.args !== undefined && !isObject(call.args)) fail(`Invalid value at '${at(path, "functionCall")}.args' (type.googleapis.com/google.protobuf.Struct), ${JSON.stringify(call.args)}`);
  }
  if (part.functionResponse !== undefined) {
    if (role !== "user") fail("Please ensure that function response parts are only in user turns.");
    const response = fields(part.functionResponse, at(path, "functionResponse"), ["id", "name", "response", "parts", "willContinue", "scheduling"], "TYPE_MESSAGE");
    if (typeof response.name !== "string" || response.name === "") fail(`* GenerateContentRequest.${at(path, "functionResponse")}.name: Name cannot be empty.\n`);
    if (!isObject(response.response)) fail(`Invalid value at '${at(path, "functionResponse")}.response' (type.googleapis.com/google.protobuf.Struct), ${JSON.stringify(response.response)}`);
  }
  return part;
}

function validateContents(value: unknown): Json[] {
  if (!Array.isArray(value) || value.length === 0) fail("* GenerateContentRequest.contents: contents is not specified\n");
  const contents = value.map((raw, index) => {
    const path = `contents[${index}]`;
    const content = fields(raw, path, ["role", "parts"], "TYPE_MESSAGE");
    const role = content.role ?? "user";
    if (role !== "user" && role !== "model") fail("Please use a valid role: user, model.");
    if (!Array.isArray(content.parts) || content.parts.length === 0) fail(`* GenerateContentRequest.${path}.parts: contents.parts must not be empty.\n`);
    return { role, parts: content.parts.map((part, partIndex) => validatePart(part, `${path}.parts[${partIndex}]`, role as string)) };
  });
  const count = (content: Json | undefined, name: string) => ((content?.parts as Json[] | undefined) ?? []).filter((part) => part[name] !== undefined).length;
  contents.forEach((content, index) => {
    const calls = count(content, "functionCall");
    const previous = contents[index - 1];
    if (calls > 0 && previous && previous.role !== "user") fail("Please ensure that function call turn comes immediately after a user turn or after a function response turn.");
    if (count(content, "functionResponse") > 0 && count(previous, "functionCall") === 0) fail("Please ensure that function response turn comes immediately after a function call turn.");
    const next = contents[index + 1];
    if (calls > 0 && next && count(next, "functionResponse") !== calls) fail("Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.");
  });
  return contents;
}

function validateOpenApiSchema(value: unknown, path: string): void {
  const schema = fields(value, path, openApiSchemaFields, "TYPE_MESSAGE");
  const isKnownType = /^(string|number|integer|boolean|array|object|null|type_unspecified)$/i.test(String(schema.type));
  if (schema.type !== undefined && !isKnownType) fail(`Invalid value at '${path}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(schema.type)}`);
  if (isObject(schema.properties)) for (const [name, item] of Object.entries(schema.properties)) validateOpenApiSchema(item, `${path}.properties[${name}].value`);
  if (schema.items !== undefined) validateOpenApiSchema(schema.items, `${path}.items`);
  if (Array.isArray(schema.anyOf)) schema.anyOf.forEach((item, index) => validateOpenApiSchema(item, `${path}.any_of[${index}]`));
}

function validateTools(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`Invalid value at 'tools' (type.googleapis.com/google.ai.generativelanguage.v1beta.Tool), ${JSON.stringify(value)}`);
  const toolFields = ["functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext", "fileSearch", "computerUse", "googleMaps"];
  const names: string[] = [];
  value.forEach((raw, index) => {
    const tool = fields(raw, `tools[${index}]`, toolFields, "TYPE_MESSAGE");
    const declarations = tool.functionDeclarations ?? [];
    if (!Array.isArray(declarations)) fail(`Invalid value at 'tools[${index}].function_declarations', ${JSON.stringify(declarations)}`);
    declarations.forEach((rawDeclaration, declarationIndex) => {
      const path = `tools[${index}].function_declarations[${declarationIndex}]`;
      const declaration = fields(rawDeclaration, path, ["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema", "behavior"], "TYPE_MESSAGE");
      if (typeof declaration.name !== "string" || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(declaration.name)) {
        fail(
          `* GenerateContentRequest.${path}.name: Invalid function name. Must start with a letter or an underscore. ` +
            "Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:) or dashes (-), with a maximum length of 64.\n",
        );
      }
      checkType(declaration.description, `${path}.description`, "string");
      if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) fail(`* GenerateContentRequest.${path}: parameters and parameters_json_schema are mutually exclusive.\n`);
      if (declaration.parameters !== undefined) validateOpenApiSchema(declaration.parameters, `${path}.parameters`);
      const jsonSchema = declaration.parametersJsonSchema;
      const isObjectSchema = isObject(jsonSchema) && (jsonSchema.type === undefined || jsonSchema.type === "object");
      if (jsonSchema !== undefined && !isObjectSchema) fail(`* GenerateContentRequest.${path}.parameters_json_schema: the schema must describe an object.\n`);
      names.push(declaration.name);
    });
  });
  return names;
}

function validateToolConfig(value: unknown, declared: string[]): void {
  if (value === undefined) return;
  const config = fields(value, "tool_config", ["functionCallingConfig", "retrievalConfig"], "TYPE_MESSAGE");
  if (config.functionCallingConfig === undefined) return;
  const calling = fields(config.functionCallingConfig, "tool_config.function_calling_config", ["mode", "allowedFunctionNames"], "TYPE_MESSAGE");
  const mode = calling.mode ?? "MODE_UNSPECIFIED";
  if (!["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"].includes(String(mode))) {
    fail(`Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), ${JSON.stringify(mode)}`);
  }
  if (calling.allowedFunctionNames === undefined) return;
  if (mode !== "ANY" && mode !== "VALIDATED") fail("* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: allowed_function_names may only be set when mode is ANY or VALIDATED.\n");
  if (!Array.isArray(calling.allowedFunctionNames)) fail(`Invalid value at 'tool_config.function_calling_config.allowed_function_names', ${JSON.stringify(calling.allowedFunctionNames)}`);
  for (const name of calling.allowedFunctionNames) if (!declared.includes(name)) fail(`* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function ${JSON.stringify(name)} is not declared.\n`);
}

const generationConfigFields = [
  "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities",
  "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty",
  "frequencyPenalty", "responseLogprobs", "logprobs", "enableEnhancedCivicAnswers", "speechConfig",
  "thinkingConfig", "imageConfig", "mediaResolution",
];

function validateGenerationConfig(value: unknown): void {
  if (value === undefined) return;
  const config = fields(value, "generation_config", generationConfigFields, "TYPE_MESSAGE");
  const path = (name: string) => at("generation_config", name);
  for (const name of ["temperature", "topP", "presencePenalty", "frequencyPenalty"]) checkType(config[name], path(name), "number");
  for (const name of ["candidateCount", "maxOutputTokens", "topK", "seed", "logprobs"]) checkType(config[name], path(name), "integer");
  checkType(config.responseLogprobs, path("responseLogprobs"), "boolean");
  checkType(config.responseMimeType, path("responseMimeType"), "string");
  checkRange(config.temperature, path("temperature"), 0, 2);
  checkRange(config.topP, path("topP"), 0, 1);
  checkRange(config.candidateCount, path("candidateCount"), 1, 8);
  checkRange(config.maxOutputTokens, path("maxOutputTokens"), 1, 1_000_000);
  checkRange(config.logprobs, path("logprobs"), 0, 20);
  const stops = config.stopSequences;
  const isStopList = Array.isArray(stops) && stops.length <= 5 && stops.every((stop) => typeof stop === "string");
  if (stops !== undefined && !isStopList) fail("* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences (strings) are allowed.\n");
  const mimeType = config.responseMimeType ?? "text/plain";
  if (!["text/plain", "application/json", "text/x.enum"].includes(String(mimeType))) {
    fail("* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json` and `text/x.enum`.\n");
  }
  if (config.responseSchema !== undefined && config.responseJsonSchema !== undefined) fail("* GenerateContentRequest.generation_config: response_schema and response_json_schema are mutually exclusive.\n");
  if (config.responseSchema !== undefined) validateOpenApiSchema(config.responseSchema, path("responseSchema"));
  const isJsonSchemaUsable = isObject(config.responseJsonSchema) && mimeType === "application/json";
  if (config.responseJsonSchema !== undefined && !isJsonSchemaUsable) fail("* GenerateContentRequest.generation_config.response_json_schema: requires response_mime_type application/json and a JSON object schema.\n");
  if (config.logprobs !== undefined && config.responseLogprobs !== true) fail("* GenerateContentRequest.generation_config.logprobs: logprobs can only be set when response_logprobs is true.\n");
  if (config.thinkingConfig !== undefined) {
    const thinking = fields(config.thinkingConfig, path("thinkingConfig"), ["includeThoughts", "thinkingBudget", "thinkingLevel"], "TYPE_MESSAGE");
    checkType(thinking.includeThoughts, `${path("thinkingConfig")}.include_thoughts`, "boolean");
    checkType(thinking.thinkingBudget, `${path("thinkingConfig")}.thinking_budget`, "integer");
  }
}

/** Validates a GenerateContentRequest; throws InvalidRequest with the API's wording. */
export function validateGenerateContentRequest(body: unknown): void {
  if (isObject(body) && "__invalid_json" in body) fail("Invalid JSON payload received. Unexpected token.");
  const request = fields(body ?? {}, "", ["contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig", "cachedContent"], "TYPE_MESSAGE");
  validateContents(request.contents);
  if (request.systemInstruction !== undefined) {
    const system = fields(request.systemInstruction, "system_instruction", ["role", "parts"], "TYPE_MESSAGE");
    if (!Array.isArray(system.parts) || system.parts.length === 0) fail("* GenerateContentRequest.system_instruction.parts: contents.parts must not be empty.\n");
    system.parts.forEach((part, index) => {
      if (validatePart(part, `system_instruction.parts[${index}]`, "user").text === undefined) fail("* GenerateContentRequest.system_instruction: only text parts are supported.\n");
    });
  }
  validateToolConfig(request.toolConfig, validateTools(request.tools));
  validateGenerationConfig(request.generationConfig);
  if (request.safetySettings !== undefined && !Array.isArray(request.safetySettings)) fail(`Invalid value at 'safety_settings', ${JSON.stringify(request.safetySettings)}`);
  checkType(request.cachedContent, "cached_content", "string");
}

const statusNames: Record<number, [string, string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  401: [
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. " +
      "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  ],
  403: ["PERMISSION_DENIED", "The caller does not have permission"],
  404: ["NOT_FOUND", "Requested entity was not found."],
  429: ["RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits."],
  500: ["INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
  504: ["DEADLINE_EXCEEDED", "Deadline expired before operation could complete."],
};

function sendError(context: FakeContext, code: number, message?: string, details?: unknown[]): void {
  const [status, defaultMessage] = statusNames[code] ?? ["UNKNOWN", "Unknown error."];
  const headers: Record<string, string> = code === 429 ? { "retry-after": "1" } : {};
  const retryDetails = code === 429 && !details ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }] : details;
  context.json(code, { error: { code, message: message ?? defaultMessage, status, ...(retryDetails ? { details: retryDetails } : {}) } }, headers);
}

/** How the request asks the model to think: thinking tokens are spent, and thoughts are shown with includeThoughts. */
function thinkingOf(body: unknown): { isThinking: boolean; includeThoughts: boolean } {
  const config = isObject(body) && isObject(body.generationConfig) ? body.generationConfig : {};
  const thinking = config.thinkingConfig ?? config.thinking_config;
  if (!isObject(thinking)) return { isThinking: false, includeThoughts: false };
  const includeThoughts = (thinking.includeThoughts ?? thinking.include_thoughts) === true;
  const budget = thinking.thinkingBudget ?? thinking.thinking_budget;
  return { isThinking: includeThoughts || (budget !== undefined && budget !== 0), includeThoughts };
}

/**
 * Explicit context caching (https://ai.google.dev/gemini-api/docs/caching, https://ai.google.dev/api/caching):
 * POST /v1beta/cachedContents stores {model, contents, systemInstruction, tools, ttl} and answers its `name`; a
 * generateContent naming it in `cachedContent` is billed with the cache's tokens in promptTokenCount and
 * cachedContentTokenCount. Tokens are counted as 4 characters each of the cached JSON.
 */
const cachedContents = new Map<string, number>();
let cachedContentSeq = 0;

function createCachedContent(context: FakeContext): void {
  const body = isObject(context.body) ? context.body : {};
  if (typeof body.model !== "string") return sendError(context, 400, "* CreateCachedContentRequest.cached_content.model: model is required");
  const { ttl: _ttl, ...content } = body;
  void _ttl;
  const tokens = Math.ceil(JSON.stringify(content).length / 4);
  const name = `cachedContents/fake${++cachedContentSeq}${Date.now().toString(36)}`;
  cachedContents.set(name, tokens);
  context.json(200, { name, model: body.model, usageMetadata: { totalTokenCount: tokens }, expireTime: new Date(Date.now() + 3_600_000).toISOString() });
}

function usageFor(scenario: Scenario, final: boolean, isThinking = false, cachedTokens = 0): Json | undefined {
  if (scenario.name === "nousage") return undefined;
  const promptTokens = FAKE_USAGE.input + cachedTokens;
  const prompt = { promptTokenCount: promptTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }] };
  const cachedCount = cachedTokens > 0 ? cachedTokens : scenario.name === "cached" ? FAKE_USAGE.cached : 0;
  const cached = cachedCount > 0 ? { cachedContentTokenCount: cachedCount, cacheTokensDetails: [{ modality: "TEXT", tokenCount: cachedCount }] } : {};
  const thoughts = final && isThinking ? FAKE_USAGE.reasoning : 0;
  const output = final ? { candidatesTokenCount: FAKE_USAGE.output, ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}) } : {};
  return { ...prompt, ...cached, ...output, totalTokenCount: promptTokens + (final ? FAKE_USAGE.output + thoughts : 0) };
}

/** The tokens of the cache the request names (0 without one), or the API's refusal. */
function cachedTokensOf(body: unknown): number | { status: number; message: string } {
  if (!isObject(body) || typeof body.cachedContent !== "string") return 0;
  const tokens = cachedContents.get(body.cachedContent);
  if (tokens === undefined) return { status: 403, message: `CachedContent not found (or permission denied)` };
  if (body.systemInstruction !== undefined || body.tools !== undefined || body.toolConfig !== undefined) {
    return { status: 400, message: "CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config.\n\nProposed fix: move those values to CachedContent from GenerateContent request." };
  }
  return tokens;
}

function firstDeclaration(body: unknown): Json | undefined {
  const tools = isObject(body) && Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools) {
    const declarations = isObject(tool) ? (tool.functionDeclarations ?? tool.function_declarations) : undefined;
    if (Array.isArray(declarations) && isObject(declarations[0])) return declarations[0];
  }
  return undefined;
}

/** Arguments that satisfy the declaration's required properties. */
function fakeArguments(declaration: Json): Json {
  const schema = declaration.parametersJsonSchema ?? declaration.parameters_json_schema ?? declaration.parameters;
  if (!isObject(schema) || !isObject(schema.properties)) return {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const sample: Record<string, unknown> = { string: "fake", number: 1, integer: 1, boolean: true, array: [], object: {} };
  return Object.fromEntries(required.map((name) => {
    const property = (schema.properties as Json)[String(name)];
    const type = isObject(property) ? String(Array.isArray(property.type) ? property.type[0] : property.type).toLowerCase() : "string";
    return [String(name), sample[type] ?? "fake"];
  }));
}

function candidate(parts: Json[], finishReason?: string): Json {
  return { content: { parts, role: "model" }, ...(finishReason ? { finishReason } : {}), index: 0 };
}

function responseOf(context: FakeContext, model: string, candidates: Json[], usage: Json | undefined): Json {
  return { candidates, ...(usage ? { usageMetadata: usage } : {}), modelVersion: model, responseId: `fake-gemini-${context.record.seq}` };
}

function finalParts(body: unknown, scenario: Scenario, text: string): Json[] {
  const declaration = scenario.name === "tool" ? firstDeclaration(body) : undefined;
  if (!declaration) return [{ text }];
  return [{ functionCall: { name: declaration.name, args: fakeArguments(declaration) }, thoughtSignature: "ZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==" }];
}

async function answerStream(context: FakeContext, model: string, scenario: Scenario, cachedTokens = 0): Promise<void> {
  const thinking = thinkingOf(context.body);
  const chunk = (parts: Json[], final: boolean) => responseOf(context, model, [candidate(parts, final ? "STOP" : undefined)], usageFor(scenario, final, thinking.isThinking, cachedTokens));
  if (context.url.searchParams.get("alt") !== "sse") {
    context.json(200, [chunk([...thoughtParts(thinking.includeThoughts), ...finalParts(context.body, scenario, FAKE_TEXT)], true)]);
    return;
  }
  context.startSse();
  const send = (payload: Json) => context.response.write(`data: ${JSON.stringify(payload)}\r\n\r\n`);
  if (thinking.includeThoughts) for (const text of FAKE_REASONING_DELTAS) send(chunk([{ text, thought: true }], false));
  if (scenario.name === "tool" && firstDeclaration(context.body)) {
    send(chunk(finalParts(context.body, scenario, ""), true));
    return context.end();
  }
  const finished = await streamDeltas(context, scenario, (text) => send(chunk([{ text }], false)));
  if (!finished || context.isClosed()) return;
  send(chunk([{ text: "" }], true));
  context.end();
}

/** The thought summary part that precedes the answer when includeThoughts is set. */
function thoughtParts(includeThoughts: boolean): Json[] {
  return includeThoughts ? [{ text: FAKE_REASONING, thought: true }] : [];
}

async function answer(context: FakeContext, model: string, scenario: Scenario, cachedTokens = 0): Promise<void> {
  if (scenario.name === "cut") {
    await context.sleep(20);
    return context.cut();
  }
  if (scenario.name === "stall") return new Promise((resolve) => context.response.once("close", () => resolve()));
  if (scenario.name === "slow") for (let tick = 0; tick < 100; tick++) if (!(await context.sleep(100))) return;
  const thinking = thinkingOf(context.body);
  const parts = [...thoughtParts(thinking.includeThoughts), ...finalParts(context.body, scenario, FAKE_TEXT)];
  context.json(200, responseOf(context, model, [candidate(parts, "STOP")], usageFor(scenario, true, thinking.isThinking, cachedTokens)));
}

function sendHtmlNotFound(context: FakeContext): void {
  context.record.outcome = "rejected";
  context.response.writeHead(404, { "content-type": "text/html; charset=UTF-8" });
  context.response.end("<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> That’s an error.</p></html>");
}

async function handle(context: FakeContext, apiKey: string): Promise<void> {
  if (context.url.pathname === "/v1beta/cachedContents" && context.request.method === "POST") return createCachedContent(context);
  const route = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(context.url.pathname);
  if (!route || context.request.method !== "POST") return sendHtmlNotFound(context);
  const [, model, method] = route;
  const header = context.request.headers["x-goog-api-key"];
  const key = (Array.isArray(header) ? header[0] : header) ?? context.url.searchParams.get("key") ?? undefined;
  if (!key) {
    return sendError(context, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  }
  if (key !== apiKey) {
    return sendError(context, 400, "API key not valid. Please pass a valid API key.", [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
    ]);
  }
  try {
    validateGenerateContentRequest(context.body);
  } catch (error) {
    if (!(error instanceof InvalidRequest)) throw error;
    return sendError(context, 400, error.message, [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ description: error.message }] }]);
  }
  const cachedTokens = cachedTokensOf(context.body);
  if (typeof cachedTokens !== "number") return sendError(context, cachedTokens.status, cachedTokens.message);
  const scenario = context.record.scenario;
  if (scenario.name === "error") {
    const notFound = `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
    return sendError(context, scenario.status, scenario.status === 404 ? notFound : undefined);
  }
  if (method === "streamGenerateContent") return answerStream(context, model, scenario, cachedTokens);
  return answer(context, model, scenario, cachedTokens);
}

export function startFakeGemini(port?: number, options: { apiKey?: string } = {}): Promise<FakeUpstream> {
  return startFake("gemini", (context) => handle(context, options.apiKey ?? FAKE_GEMINI_API_KEY), port);
}
