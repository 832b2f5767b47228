import { z } from "zod";
import { functionNameSchema, MAX_MESSAGES, MAX_TOOLS, metadataSchema, modelNameSchema, userSchema } from "../../request-limits";
import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition, Warning } from "../../types";
import { WarningList } from "../anthropic/translate-messages";
import { translateInput } from "./translate-input";

/**
 * The OpenAI Responses create request, as callers (the `openai` SDK, Codex) send it.
 * Reference: https://platform.openai.com/docs/api-reference/responses/create
 * (and the `openai` SDK 6 types, resources/responses/responses.d.ts: ResponseCreateParamsBase).
 * Unknown top-level fields are kept (looseObject) so translation can warn about them.
 * Documented limits (input items, tools, function names, metadata, model and user lengths) come from request-limits.ts.
 */
const textPart = z.looseObject({ type: z.enum(["input_text", "output_text"]), text: z.string() });
const refusalPart = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
const imagePart = z.looseObject({ type: z.literal("input_image"), image_url: z.string().nullish(), file_id: z.string().nullish(), detail: z.enum(["auto", "low", "high"]).nullish() });
const otherPart = z.looseObject({ type: z.string() });
const contentPart = z.union([textPart, refusalPart, imagePart, otherPart]);
export type ResponsesContentPart = z.infer<typeof contentPart>;

const messageItem = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(contentPart)]),
});
const functionCallItem = z.looseObject({ type: z.literal("function_call"), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() });
const functionCallOutputItem = z.looseObject({ type: z.literal("function_call_output"), call_id: z.string().min(1), output: z.union([z.string(), z.array(contentPart)]) });
const reasoningItem = z.looseObject({
  type: z.literal("reasoning"),
  summary: z.array(z.looseObject({ text: z.string() })).optional(),
  content: z.array(z.looseObject({ text: z.string() })).nullish(),
  /** Opaque reasoning state the gateway returned (response.ts: encrypted_content). */
  encrypted_content: z.string().nullish(),
});
/** Item types without an equivalent (item_reference, hosted tool calls…): dropped with a warning. */
const otherItem = z.looseObject({ type: z.string().refine((type) => !["message", "function_call", "function_call_output", "reasoning"].includes(type), { message: "the item lacks fields its type requires" }) });
const inputItem = z.union([messageItem, functionCallItem, functionCallOutputItem, reasoningItem, otherItem]);
export type ResponsesInputItem = z.infer<typeof inputItem>;

const toolSchema = z.looseObject({
  type: z.string(),
  /** Function (and custom) tools; hosted tools have no name. */
  name: functionNameSchema.optional(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
const toolChoiceSchema = z.union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string(), name: z.string().optional() })]);
const textFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({ type: z.literal("json_schema"), name: functionNameSchema, schema: z.record(z.string(), z.unknown()), description: z.string().optional(), strict: z.boolean().nullish() }),
]);

export const responsesRequestSchema = z.looseObject({
  model: modelNameSchema,
  input: z.union([z.string(), z.array(inputItem).max(MAX_MESSAGES)]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(toolSchema).max(MAX_TOOLS).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  text: z.looseObject({ format: textFormatSchema.optional() }).nullish(),
  reasoning: z.looseObject({ effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish() }).nullish(),
  include: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  metadata: metadataSchema.nullish(),
  user: userSchema.nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

/** Top-level fields translation understands; any other field is dropped with a warning. */
const KNOWN_FIELDS = new Set([
  "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p", "max_output_tokens", "text", "reasoning",
  "stream", "store", "previous_response_id", "metadata", "user", "include",
]);

/** The one `include` value the gateway honours: reasoning items then carry encrypted_content. */
export const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/**
 * A Responses request → the OpenAI-shaped ChatRequest. `instructions` (the system message) and
 * `input` (the new turns) are returned apart, so a stored conversation can go between them.
 */
export function toChatRequest(request: ResponsesRequest): { chatRequest: ChatRequest; instructions: ChatRequest["messages"]; input: ChatRequest["messages"]; warnings: Warning[] } {
  const warnings = new WarningList();
  const instructions: ChatRequest["messages"] = request.instructions ? [{ role: "system", content: request.instructions }] : [];
  const input = typeof request.input === "string" ? [{ role: "user" as const, content: request.input }] : translateInput(request.input ?? [], warnings);
  const chatRequest: ChatRequest = { model: request.model, messages: [...instructions, ...input] };
  if (request.temperature != null) chatRequest.temperature = request.temperature;
  if (request.top_p != null) chatRequest.top_p = request.top_p;
  if (request.max_output_tokens != null) chatRequest.max_completion_tokens = request.max_output_tokens;
  if (request.user != null) chatRequest.user = request.user;
  if (request.parallel_tool_calls != null) chatRequest.parallel_tool_calls = request.parallel_tool_calls;
  if (request.stream) {
    chatRequest.stream = true;
    chatRequest.stream_options = { include_usage: true };
  }
  const tools = translateTools(request.tools ?? [], warnings);
  if (tools.length > 0) chatRequest.tools = tools;
  const toolChoice = translateToolChoice(request.tool_choice, warnings);
  if (toolChoice !== undefined) chatRequest.tool_choice = toolChoice;
  const responseFormat = translateTextFormat(request.text?.format);
  if (responseFormat) chatRequest.response_format = responseFormat;
  translateReasoning(request.reasoning, chatRequest, warnings);
  for (const value of request.include ?? []) {
    if (value !== ENCRYPTED_REASONING) warnings.unsupported("include", `include '${value}' is not supported; it was ignored.`);
  }
  if (request.text && Object.keys(request.text).some((field) => field !== "format")) warnings.unsupported("text", "Only text.format is supported; other text options were ignored.");
  for (const field of Object.keys(request)) {
    if (!KNOWN_FIELDS.has(field)) warnings.unsupported(field, `${field} is not supported on /v1/responses; it was ignored.`);
  }
  return { chatRequest, instructions, input, warnings: warnings.items };
}

function translateTools(tools: z.infer<typeof toolSchema>[], warnings: WarningList): ToolDefinition[] {
  const translated: ToolDefinition[] = [];
  for (const tool of tools) {
    if (tool.type !== "function" || !tool.name) {
      warnings.unsupported(`tools.${tool.type}`, `Tool type '${tool.type}' is not supported; it was dropped.`);
      continue;
    }
    const definition: ToolDefinition["function"] = { name: tool.name, parameters: tool.parameters ?? { type: "object", properties: {} } };
    if (tool.description) definition.description = tool.description;
    if (tool.strict != null) definition.strict = tool.strict;
    translated.push({ type: "function", function: definition });
  }
  return translated;
}

function translateToolChoice(choice: ResponsesRequest["tool_choice"], warnings: WarningList): ToolChoice | undefined {
  if (choice == null || typeof choice === "string") return choice ?? undefined;
  if (choice.type === "function" && choice.name) return { type: "function", function: { name: choice.name } };
  warnings.unsupported("tool_choice", `tool_choice of type '${choice.type}' is not supported; it was ignored.`);
  return undefined;
}

function translateTextFormat(format: z.infer<typeof textFormatSchema> | undefined): ResponseFormat | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const { name, schema, description, strict } = format;
  return { type: "json_schema", json_schema: { name, schema, ...(description !== undefined ? { description } : {}), ...(strict != null ? { strict } : {}) } };
}

function translateReasoning(reasoning: ResponsesRequest["reasoning"], chatRequest: ChatRequest, warnings: WarningList): void {
  const effort = reasoning?.effort;
  if (effort === "xhigh") {
    chatRequest.reasoning_effort = "high";
    warnings.add({ code: "clamped_parameter", param: "reasoning.effort", message: "reasoning.effort 'xhigh' was sent as 'high'." });
  } else if (effort === "none") warnings.unsupported("reasoning.effort", "reasoning.effort 'none' cannot be expressed for every provider; it was ignored.");
  else if (effort) chatRequest.reasoning_effort = effort;
  if (reasoning && Object.keys(reasoning).some((field) => field !== "effort")) warnings.unsupported("reasoning", "Only reasoning.effort is supported; other reasoning options were ignored.");
}
