import { z } from "zod";
import { anthropicToolNameSchema, MAX_MESSAGES, MAX_STOP_SEQUENCES, modelNameSchema, userSchema } from "../../request-limits";
import type { ChatRequest, ToolDefinition, Warning } from "../../types";
import { outputConfigSchema, outputFormatSchema, translateOutputFormat } from "./output-format";
import { readCacheControl, translateMessages, translateSystem, WarningList } from "./translate-messages";

/**
 * The Anthropic Messages request, as callers (the Anthropic SDKs, Claude Code) send it.
 * Reference: https://docs.claude.com/en/api/messages
 * Unknown top-level fields are kept (looseObject) so translation can warn about them.
 * Documented limits (messages, tool names, model and user_id lengths) come from request-limits.ts.
 */
const cacheControl = { cache_control: z.unknown().optional() };

const textBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string(), ...cacheControl });
const imageBlockSchema = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1) }),
    z.object({ type: z.literal("url"), url: z.string().min(1) }),
  ]),
  ...cacheControl,
});
const toolUseBlockSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  ...cacheControl,
});
const toolResultBlockSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  ...cacheControl,
});
const thinkingBlockSchema = z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlockSchema = z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() });
const documentBlockSchema = z.looseObject({ type: z.literal("document") });

const contentBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  documentBlockSchema,
]);
export type MessagesContentBlock = z.infer<typeof contentBlockSchema>;

const messageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});
export type MessagesMessage = z.infer<typeof messageSchema>;

/** Custom (client) tools; server tools (web_search_…, bash_…) carry a versioned `type` and are dropped with a warning. */
const toolSchema = z.looseObject({
  type: z.string().optional(),
  name: anthropicToolNameSchema,
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
  ...cacheControl,
});

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("none") }),
]);

const thinkingSchema = z.looseObject({ type: z.string(), budget_tokens: z.number().int().positive().optional() });

export const messagesRequestSchema = z.looseObject({
  model: modelNameSchema,
  max_tokens: z.number().int().positive(),
  messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  metadata: z.looseObject({ user_id: userSchema.nullish() }).optional(),
  thinking: thinkingSchema.optional(),
  output_config: outputConfigSchema.optional(),
  output_format: outputFormatSchema,
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

/** Top-level fields translation understands; any other field is dropped with a warning. */
const KNOWN_FIELDS = new Set([
  "model", "max_tokens", "messages", "system", "temperature", "top_p", "top_k", "stop_sequences", "stream", "tools", "tool_choice", "metadata", "thinking",
  "output_config", "output_format",
]);

/** thinking.budget_tokens → reasoning_effort, the inverse of the Anthropic adapter's budgets (1024 / 4096 / 16384). */
function effortForBudget(budget: number): "low" | "medium" | "high" {
  return budget < 4096 ? "low" : budget < 16384 ? "medium" : "high";
}

/**
 * A Messages request → the OpenAI-shaped ChatRequest the pipeline speaks. What it cannot express
 * is returned as warnings (stored on the ledger row and sent in x-modelgate-warnings).
 */
export function toChatRequest(request: MessagesRequest): { chatRequest: ChatRequest; warnings: Warning[] } {
  const warnings = new WarningList();
  const chatRequest: ChatRequest = {
    model: request.model,
    messages: [...translateSystem(request.system, warnings), ...translateMessages(request.messages, warnings)],
    max_completion_tokens: request.max_tokens,
  };
  if (request.temperature !== undefined) chatRequest.temperature = request.temperature;
  if (request.top_p !== undefined) chatRequest.top_p = request.top_p;
  if (request.top_k !== undefined) warnings.unsupported("top_k", "top_k cannot be expressed for every provider; it was ignored.");
  if (request.stop_sequences && request.stop_sequences.length > 0) {
    chatRequest.stop = request.stop_sequences.slice(0, MAX_STOP_SEQUENCES);
    if (request.stop_sequences.length > MAX_STOP_SEQUENCES) {
      warnings.add({ code: "clamped_parameter", param: "stop_sequences", message: `Only the first ${MAX_STOP_SEQUENCES} stop_sequences were kept.` });
    }
  }
  if (request.stream) {
    chatRequest.stream = true;
    chatRequest.stream_options = { include_usage: true };
  }
  const tools = translateTools(request.tools, warnings);
  if (tools.length > 0) {
    chatRequest.tools = tools;
    const choice = request.tool_choice;
    if (choice) {
      chatRequest.tool_choice = choice.type === "auto" ? "auto" : choice.type === "any" ? "required" : choice.type === "none" ? "none" : { type: "function", function: { name: choice.name } };
      if (choice.type !== "none" && choice.disable_parallel_tool_use) chatRequest.parallel_tool_calls = false;
    }
  } else if (request.tool_choice && request.tool_choice.type !== "none" && request.tool_choice.type !== "auto") {
    warnings.unsupported("tool_choice", "tool_choice needs at least one custom tool; it was ignored.");
  }
  if (request.metadata?.user_id) chatRequest.user = request.metadata.user_id;
  if (request.thinking?.type === "enabled" && request.thinking.budget_tokens !== undefined) {
    chatRequest.reasoning_effort = effortForBudget(request.thinking.budget_tokens);
  } else if (request.thinking && request.thinking.type !== "disabled") {
    warnings.unsupported("thinking", `thinking of type '${request.thinking.type}' cannot be expressed; it was ignored.`);
  }
  const responseFormat = translateOutputFormat(request, warnings);
  if (responseFormat) chatRequest.response_format = responseFormat;
  for (const field of Object.keys(request)) {
    if (!KNOWN_FIELDS.has(field)) warnings.unsupported(field, `${field} is not supported on /v1/messages; it was ignored.`);
  }
  return { chatRequest, warnings: warnings.items };
}

function translateTools(tools: MessagesRequest["tools"], warnings: WarningList): ToolDefinition[] {
  const translated: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    if (tool.type !== undefined && tool.type !== "custom") {
      warnings.unsupported(`tools.${tool.name}`, `Server tool '${tool.type}' is not supported; it was dropped.`);
      continue;
    }
    const definition: ToolDefinition["function"] = { name: tool.name, parameters: tool.input_schema ?? { type: "object", properties: {} } };
    if (tool.description !== undefined) definition.description = tool.description;
    translated.push({ type: "function", function: definition, ...readCacheControl(tool, warnings) });
  }
  return translated;
}
