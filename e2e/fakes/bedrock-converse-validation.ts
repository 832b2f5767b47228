/**
 * The Bedrock fake's strict Converse request validation (bedrock-fake.ts answers a ValidationError with 400
 * ValidationException): unknown fields, roles that do not alternate, blank text, tool blocks without toolConfig,
 * unknown tool results, inference ranges, and Claude's thinking and beta fields in additionalModelRequestFields.
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html        (request fields)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html (ranges)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html, API_runtime_ToolChoice.html
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html (thinking rules)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html (cachePoint: a member of the
 *   ContentBlock, SystemContentBlock and Tool unions; type "default", ttl 5m | 1h)
 */
import { unsupportedBetaMessage } from "./anthropic-betas";

type Json = Record<string, unknown>;
export class ValidationError extends Error {}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export function fail(message: string): never {
  throw new ValidationError(message);
}

function only(value: unknown, path: string, allowed: string[]): Json {
  if (!isObject(value)) fail(`${path} must be an object.`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(`Malformed input request: extraneous key [${key}] is not permitted at ${path}, please reformat your input and try again.`);
  return value;
}

function oneMember(block: Json, path: string): string {
  const members = Object.keys(block);
  if (members.length !== 1) fail(`${path} must set exactly one member of the union.`);
  return members[0];
}

function text(value: unknown, path: string): void {
  if (typeof value !== "string") fail(`${path}.text must be a string.`);
  if (value.trim() === "") fail(`The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`);
}

function cachePoint(value: unknown, path: string): void {
  const point = only(value, `${path}.cachePoint`, ["type", "ttl"]);
  if (point.type !== "default") fail(`${path}.cachePoint.type must be default.`);
  if (point.ttl !== undefined && point.ttl !== "5m" && point.ttl !== "1h") fail(`${path}.cachePoint.ttl must be 5m or 1h.`);
}

function validateBlock(raw: unknown, path: string, role: string): { kind: string; toolUseId?: string } {
  const block = only(raw, path, ["text", "image", "document", "toolUse", "toolResult", "reasoningContent", "cachePoint"]);
  const kind = oneMember(block, path);
  if (kind === "text") text(block.text, path);
  if (kind === "cachePoint") cachePoint(block.cachePoint, path);
  if (kind === "image") {
    const image = only(block.image, `${path}.image`, ["format", "source"]);
    if (!["png", "jpeg", "gif", "webp"].includes(String(image.format))) fail(`${path}.image.format must be png, jpeg, gif or webp.`);
    const source = only(image.source, `${path}.image.source`, ["bytes", "s3Location"]);
    if (typeof source.bytes !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(source.bytes)) fail(`${path}.image.source.bytes must be base64.`);
  }
  if (kind === "toolUse") {
    if (role !== "assistant") fail(`${path}: toolUse blocks are only allowed in assistant messages.`);
    const toolUse = only(block.toolUse, `${path}.toolUse`, ["toolUseId", "name", "input"]);
    if (typeof toolUse.toolUseId !== "string" || typeof toolUse.name !== "string" || toolUse.input === undefined) fail(`${path}.toolUse needs toolUseId, name and input.`);
    return { kind, toolUseId: toolUse.toolUseId };
  }
  if (kind === "toolResult") {
    if (role !== "user") fail(`${path}: toolResult blocks are only allowed in user messages.`);
    const result = only(block.toolResult, `${path}.toolResult`, ["toolUseId", "content", "status"]);
    if (typeof result.toolUseId !== "string") fail(`${path}.toolResult.toolUseId must be a string.`);
    if (!Array.isArray(result.content)) fail(`${path}.toolResult.content must be an array.`);
    result.content.forEach((item, index) => {
      const content = only(item, `${path}.toolResult.content.${index}`, ["text", "json", "image", "document"]);
      if (oneMember(content, `${path}.toolResult.content.${index}`) === "text") text(content.text, `${path}.toolResult.content.${index}`);
    });
    if (result.status !== undefined && result.status !== "success" && result.status !== "error") fail(`${path}.toolResult.status must be success or error.`);
    return { kind, toolUseId: result.toolUseId };
  }
  return { kind };
}

function validateMessages(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) fail("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  let usesTools = false;
  let pendingToolUses: string[] = [];
  value.forEach((raw, index) => {
    const message = only(raw, `messages.${index}`, ["role", "content"]);
    const expectedRole = index % 2 === 0 ? "user" : "assistant";
    if (message.role !== "user" && message.role !== "assistant") fail(`messages.${index}.role must be user or assistant.`);
    if (index === 0 && message.role !== "user") fail("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
    if (message.role !== expectedRole) fail("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");
    if (!Array.isArray(message.content) || message.content.length === 0) fail(`messages.${index}.content must not be empty.`);
    const blocks = message.content.map((block, blockIndex) => validateBlock(block, `messages.${index}.content.${blockIndex}`, String(message.role)));
    const results = blocks.filter((block) => block.kind === "toolResult").map((block) => block.toolUseId!);
    for (const id of results) if (!pendingToolUses.includes(id)) fail(`messages.${index}: toolResult ${id} does not match a toolUse in the previous assistant message.`);
    if (message.role === "user" && pendingToolUses.length > 0 && results.length !== pendingToolUses.length) {
      fail(`Expected toolResult blocks at messages.${index}.content for the following Ids: ${pendingToolUses.join(", ")}`);
    }
    pendingToolUses = blocks.filter((block) => block.kind === "toolUse").map((block) => block.toolUseId!);
    usesTools ||= blocks.some((block) => block.kind === "toolUse" || block.kind === "toolResult");
  });
  return usesTools;
}

function validateInferenceConfig(value: unknown): void {
  if (value === undefined) return;
  const config = only(value, "inferenceConfig", ["maxTokens", "temperature", "topP", "stopSequences"]);
  if (config.maxTokens !== undefined && (!Number.isInteger(config.maxTokens) || (config.maxTokens as number) < 1)) fail("inferenceConfig.maxTokens must be an integer >= 1.");
  for (const name of ["temperature", "topP"]) {
    const number = config[name];
    if (number !== undefined && (typeof number !== "number" || number < 0 || number > 1)) fail(`inferenceConfig.${name} must be between 0 and 1.`);
  }
  if (config.stopSequences !== undefined && (!Array.isArray(config.stopSequences) || config.stopSequences.some((item) => typeof item !== "string" || item === ""))) {
    fail("inferenceConfig.stopSequences must be non-empty strings.");
  }
}

function validateToolConfig(value: unknown, usesTools: boolean): string[] {
  if (value === undefined) {
    if (usesTools) fail("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
    return [];
  }
  const config = only(value, "toolConfig", ["tools", "toolChoice"]);
  if (!Array.isArray(config.tools) || config.tools.length === 0) fail("toolConfig.tools must not be empty.");
  const names = config.tools.flatMap((raw, index) => {
    const tool = only(raw, `toolConfig.tools.${index}`, ["toolSpec", "cachePoint"]);
    if (oneMember(tool, `toolConfig.tools.${index}`) === "cachePoint") {
      cachePoint(tool.cachePoint, `toolConfig.tools.${index}`);
      return [];
    }
    const spec = only(tool.toolSpec, `toolConfig.tools.${index}.toolSpec`, ["name", "description", "inputSchema"]);
    if (typeof spec.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) fail(`toolConfig.tools.${index}.toolSpec.name must match [a-zA-Z0-9_-]{1,64}.`);
    if (spec.description !== undefined && (typeof spec.description !== "string" || spec.description === "")) fail(`toolConfig.tools.${index}.toolSpec.description must be a non-empty string.`);
    const schema = only(spec.inputSchema, `toolConfig.tools.${index}.toolSpec.inputSchema`, ["json"]);
    if (!isObject(schema.json)) fail(`toolConfig.tools.${index}.toolSpec.inputSchema.json must be an object.`);
    return [spec.name as string];
  });
  if (config.toolChoice !== undefined) {
    const choice = only(config.toolChoice, "toolConfig.toolChoice", ["auto", "any", "tool"]);
    const kind = oneMember(choice, "toolConfig.toolChoice");
    if (kind === "tool") {
      const tool = only(choice.tool, "toolConfig.toolChoice.tool", ["name"]);
      if (!names.includes(String(tool.name))) fail(`toolConfig.toolChoice.tool.name ${String(tool.name)} is not a defined tool.`);
    } else if (Object.keys(only(choice[kind], `toolConfig.toolChoice.${kind}`, [])).length > 0) fail(`toolConfig.toolChoice.${kind} must be {}.`);
  }
  return names;
}

/** Validates a Converse body; returns the declared tool names. */
export function validateConverse(body: unknown): string[] {
  const request = only(body, "request", [
    "messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig", "additionalModelRequestFields",
    "additionalModelResponseFieldPaths", "promptVariables", "requestMetadata", "performanceConfig", "outputConfig",
  ]);
  const usesTools = validateMessages(request.messages);
  if (request.system !== undefined) {
    if (!Array.isArray(request.system)) fail("system must be an array.");
    request.system.forEach((raw, index) => {
      const block = only(raw, `system.${index}`, ["text", "cachePoint", "guardContent"]);
      const kind = oneMember(block, `system.${index}`);
      if (kind === "cachePoint") cachePoint(block.cachePoint, `system.${index}`);
      else if (kind === "text") text(block.text, `system.${index}`);
    });
  }
  validateInferenceConfig(request.inferenceConfig);
  if (request.requestMetadata !== undefined && (!isObject(request.requestMetadata) || Object.values(request.requestMetadata).some((value) => typeof value !== "string"))) {
    fail("requestMetadata must map strings to strings.");
  }
  return validateToolConfig(request.toolConfig, usesTools);
}

/**
 * additionalModelRequestFields (after validateConverse): Claude models take `thinking` and `anthropic_beta` (a list of
 * beta names, as in the Claude Messages body on Bedrock:
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html),
 * other models no key at all. Returns whether thinking is enabled.
 */
export function validateThinking(body: unknown, modelId: string): boolean {
  const request = body as Json;
  if (request.additionalModelRequestFields === undefined) return false;
  const isClaude = /(^|\.)anthropic\.claude-/.test(modelId);
  const fields = only(request.additionalModelRequestFields, "additionalModelRequestFields", isClaude ? ["thinking", "anthropic_beta"] : []);
  if (fields.anthropic_beta !== undefined) {
    const betas = fields.anthropic_beta;
    if (!Array.isArray(betas) || !betas.every((name) => typeof name === "string")) fail("additionalModelRequestFields.anthropic_beta must be a list of strings.");
    const problem = unsupportedBetaMessage(betas as string[]);
    if (problem) fail(problem);
  }
  if (fields.thinking === undefined) return false;
  const thinking = only(fields.thinking, "additionalModelRequestFields.thinking", ["type", "budget_tokens"]);
  if (thinking.type === "disabled") return false;
  const modelError = (message: string) => fail(`The model returned the following errors: ${message}`);
  if (thinking.type !== "enabled") modelError("thinking.type: Input should be 'enabled' or 'disabled'");
  const budget = thinking.budget_tokens;
  if (!Number.isInteger(budget) || (budget as number) < 1024) modelError("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
  const config = (request.inferenceConfig ?? {}) as Json;
  if (config.maxTokens === undefined || (config.maxTokens as number) <= (budget as number)) modelError("`max_tokens` must be greater than `thinking.budget_tokens`.");
  if (config.temperature !== undefined && config.temperature !== 1) modelError("`temperature` may only be set to 1 when thinking is enabled.");
  if (config.topP !== undefined && (config.topP as number) < 0.95) modelError("`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.");
  const choice = (request.toolConfig as Json | undefined)?.toolChoice as Json | undefined;
  if (choice && (choice.any !== undefined || choice.tool !== undefined)) modelError("Thinking may not be enabled when tool_choice forces tool use.");
  return true;
}

