import { z } from "zod";
import { functionNameSchema, logitBiasSchema, MAX_CHOICES, MAX_MESSAGES, MAX_STOP_SEQUENCES, MAX_TOOLS, metadataSchema, modelNameSchema, userSchema } from "./request-limits";

/**
 * The OpenAI Chat Completions request, as callers send it.
 * Reference: https://platform.openai.com/docs/api-reference/chat/create
 * Unknown top-level fields are kept (looseObject) so adapters can pass them on or warn about them.
 * Documented limits (tools, stop, n, metadata, logit_bias, names, lengths) come from request-limits.ts.
 */
/**
 * Gateway extension (README "Provider prompt caching"): an Anthropic prompt-cache breakpoint the caller set on a text
 * part or a tool, as Anthropic's own `cache_control` (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
 * Claude upstreams receive it; the automatic breakpoints count it against Anthropic's limit of 4. Others ignore it.
 */
export const cacheControlSchema = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
export type CacheControl = z.infer<typeof cacheControlSchema>;

const textPartSchema = z.object({ type: z.literal("text"), text: z.string(), cache_control: cacheControlSchema.optional() });
const imagePartSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const audioPartSchema = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.string() }),
});
const filePartSchema = z.object({
  type: z.literal("file"),
  file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});
const contentPartSchema = z.discriminatedUnion("type", [textPartSchema, imagePartSchema, audioPartSchema, filePartSchema]);
export type ContentPart = z.infer<typeof contentPartSchema>;

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

const messageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.union([z.string(), z.array(textPartSchema)]), name: z.string().optional() }),
  z.object({ role: z.literal("developer"), content: z.union([z.string(), z.array(textPartSchema)]), name: z.string().optional() }),
  z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(contentPartSchema)]), name: z.string().optional() }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(textPartSchema), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    /** Reasoning text from an earlier turn (see README: reasoning field). */
    reasoning_content: z.string().optional(),
    /**
     * Gateway extension: the signature of that reasoning as the gateway returned it (README: reasoning signatures).
     * Only Anthropic-format upstreams (Anthropic, Claude on Vertex) read it; others omit it with a warning.
     */
    reasoning_signature: z.string().optional(),
    /** Gateway extension: encrypted reasoning blocks (Anthropic redacted_thinking `data`) as the gateway returned them. */
    redacted_reasoning: z.array(z.string()).optional(),
  }),
  z.object({ role: z.literal("tool"), content: z.union([z.string(), z.array(textPartSchema)]), tool_call_id: z.string() }),
]);
export type ChatMessage = z.infer<typeof messageSchema>;

const toolSchema = z.object({
  type: z.literal("function"),
  function: z.object({
    name: functionNameSchema,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
  cache_control: cacheControlSchema.optional(),
});
export type ToolDefinition = z.infer<typeof toolSchema>;

const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: functionNameSchema,
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

export const chatRequestSchema = z.looseObject({
  model: modelNameSchema,
  messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(MAX_STOP_SEQUENCES)]).nullish(),
  n: z.number().int().min(1).max(MAX_CHOICES).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  logit_bias: logitBiasSchema.nullish(),
  user: userSchema.nullish(),
  metadata: metadataSchema.nullish(),
  tools: z.array(toolSchema).max(MAX_TOOLS).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
  reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).nullish(),
  /**
   * Gateway extension: Anthropic beta feature names (README: anthropic-beta). Set from the `anthropic-beta` header on
   * /v1/messages, or sent in the body by OpenAI-format clients. Claude upstreams receive it (Anthropic as the
   * `anthropic-beta` header, Claude on Vertex as the `anthropic_beta` body field); others omit it with a warning.
   */
  anthropic_beta: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/, "expected a beta feature name")).nullish(),
  /**
   * Gateway extension: an existing Gemini cached content (`cachedContents/{id}`, or on Vertex
   * `projects/{p}/locations/{l}/cachedContents/{id}`) sent as generateContent's `cachedContent`
   * (https://ai.google.dev/gemini-api/docs/caching). Gemini and Vertex Gemini receive it; others omit it with a warning.
   */
  cached_content: z.string().regex(/^(projects\/[^/]+\/locations\/[^/]+\/)?cachedContents\/[A-Za-z0-9_-]{1,128}$/, "expected cachedContents/{id}").nullish(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;
