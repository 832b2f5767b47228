/**
 * OpenAI-shaped request → upstream Chat Completions request, built field by field.
 * Reference: https://platform.openai.com/docs/api-reference/chat/create
 */
import type { ChatMessage, ChatRequest, ContentPart, Target, UpstreamRequest, Warning } from "@/server/gateway/types";
import { stableJsonSchema } from "../stable-json-schema";
import { applyForcedToolJson } from "./forced-tool-json";
import { applyQuirks, type OpenAICompatibleQuirks } from "./quirks";
import { fitToolCallIds } from "./tool-call-ids";

type JsonBody = Record<string, unknown>;

/** Top-level fields the gateway's request schema knows; anything else is an "unknown extra field". */
const KNOWN_FIELDS = new Set([
  "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens",
  "stop", "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias", "user",
  "metadata", "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "anthropic_beta",
  "cached_content",
]);

/** Fields copied unchanged when the caller set them (null/undefined means "not sent"). */
const COPIED_FIELDS = [
  "temperature", "top_p", "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs",
  "logit_bias", "stop", "user", "metadata", "parallel_tool_calls", "reasoning_effort",
] as const satisfies readonly (keyof ChatRequest)[];

export function knownRequestFields(): ReadonlySet<string> {
  return KNOWN_FIELDS;
}

export function buildRequest(request: ChatRequest, target: Target, quirks: OpenAICompatibleQuirks): UpstreamRequest {
  const warnings: Warning[] = [];
  const body: JsonBody = { model: target.upstreamModel, messages: buildMessages(request.messages, quirks, warnings) };
  if (quirks.toolCallIdLength !== undefined) fitToolCallIds(body.messages as JsonBody[], quirks.toolCallIdLength);
  for (const field of COPIED_FIELDS) {
    if (request[field] != null) body[field] = request[field];
  }
  setMaxTokens(request, target, body, warnings);
  setStream(request, quirks, body, warnings);
  setTools(request, body);
  if (request.response_format != null) body.response_format = buildResponseFormat(request.response_format);
  if (request.anthropic_beta?.length) {
    warnings.push({ code: "unsupported_parameter", param: "anthropic_beta", message: "anthropic_beta applies to Claude models only; it was omitted." });
  }
  if (request.cached_content) {
    warnings.push({ code: "unsupported_parameter", param: "cached_content", message: "cached_content names a Gemini cache; it was omitted (this provider caches prompt prefixes on its own)." });
  }
  copyUnknownFields(request, quirks, body, warnings);
  applyQuirks(body, quirks, warnings);
  const rejection = quirks.jsonSchema === "forced-tool" ? applyForcedToolJson(body, target, quirks, warnings) : undefined;

  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== "") headers.authorization = `Bearer ${target.apiKey}`;
  return { url: `${target.baseUrl}${quirks.path ?? "/chat/completions"}`, headers, body: JSON.stringify(body), warnings, ...(rejection ? { rejection } : {}) };
}

/** max_completion_tokens wins over max_tokens; each is sent under the name the caller used. */
function setMaxTokens(request: ChatRequest, target: Target, body: JsonBody, warnings: Warning[]): void {
  const field = request.max_completion_tokens != null ? "max_completion_tokens" : request.max_tokens != null ? "max_tokens" : undefined;
  if (field === undefined) return;
  if (field === "max_completion_tokens" && request.max_tokens != null) {
    warnings.push({ code: "other", param: "max_tokens", message: "max_tokens was omitted because max_completion_tokens was also sent." });
  }
  let value = request[field] as number;
  if (target.maxOutputTokens !== undefined && value > target.maxOutputTokens) {
    warnings.push({ code: "clamped_parameter", param: field, message: `${field} ${value} was clamped to the model's limit ${target.maxOutputTokens}.` });
    value = target.maxOutputTokens;
  }
  body[field] = value;
}

/** Streaming always asks for usage: the gateway bills from it and strips the chunk if the caller did not ask. */
function setStream(request: ChatRequest, quirks: OpenAICompatibleQuirks, body: JsonBody, warnings: Warning[]): void {
  if (request.stream === true) {
    body.stream = true;
    if (quirks.streamUsage !== false) body.stream_options = { include_usage: true };
    return;
  }
  if (request.stream === false) body.stream = false;
  if (request.stream_options != null) {
    warnings.push({ code: "unsupported_parameter", param: "stream_options", message: "stream_options is only allowed when stream is true and was omitted." });
  }
}

function setTools(request: ChatRequest, body: JsonBody): void {
  if (request.tools != null) {
    body.tools = request.tools.map((tool) => {
      const definition: JsonBody = { name: tool.function.name };
      if (tool.function.description !== undefined) definition.description = tool.function.description;
      if (tool.function.parameters !== undefined) definition.parameters = stableJsonSchema(tool.function.parameters);
      if (tool.function.strict != null) definition.strict = tool.function.strict;
      return { type: "function", function: definition };
    });
  }
  if (request.tool_choice != null) {
    const choice = request.tool_choice;
    body.tool_choice = typeof choice === "string" ? choice : { type: "function", function: { name: choice.function.name } };
  }
}

function buildResponseFormat(format: NonNullable<ChatRequest["response_format"]>): JsonBody {
  if (format.type !== "json_schema") return { type: format.type };
  const schema: JsonBody = { name: format.json_schema.name };
  if (format.json_schema.description !== undefined) schema.description = format.json_schema.description;
  if (format.json_schema.schema !== undefined) schema.schema = format.json_schema.schema;
  if (format.json_schema.strict != null) schema.strict = format.json_schema.strict;
  return { type: "json_schema", json_schema: schema };
}

function copyUnknownFields(request: ChatRequest, quirks: OpenAICompatibleQuirks, body: JsonBody, warnings: Warning[]): void {
  for (const [field, value] of Object.entries(request)) {
    if (KNOWN_FIELDS.has(field) || value === undefined) continue;
    if (quirks.keepUnknownFields === false) {
      warnings.push({ code: "unsupported_parameter", param: field, message: `${field} is not supported by this provider and was omitted.` });
    } else {
      body[field] = value;
    }
  }
}

function buildMessages(messages: ChatMessage[], quirks: OpenAICompatibleQuirks, warnings: Warning[]): JsonBody[] {
  let hasDroppedReasoning = false;
  let hasDroppedSignature = false;
  const result = messages.map((message): JsonBody => {
    switch (message.role) {
      case "system":
      case "developer": {
        const role = message.role === "developer" ? (quirks.developerRole ?? "developer") : "system";
        return withName({ role, content: message.content }, message.name);
      }
      case "user":
        return withName({ role: "user", content: buildUserContent(message.content, quirks, warnings) }, message.name);
      case "assistant": {
        const built: JsonBody = { role: "assistant", content: message.content ?? null };
        if (message.tool_calls !== undefined) {
          built.tool_calls = message.tool_calls.map((call) => ({
            id: call.id,
            type: "function",
            function: { name: call.function.name, arguments: call.function.arguments },
          }));
        }
        if (message.reasoning_content !== undefined) {
          if (quirks.reasoningHistory === true) built.reasoning_content = message.reasoning_content;
          else hasDroppedReasoning = true;
        }
        // Signatures are Claude's: never forwarded to an OpenAI-compatible server (README: reasoning signatures).
        if (message.reasoning_signature !== undefined || message.redacted_reasoning !== undefined) hasDroppedSignature = true;
        return withName(built, message.name);
      }
      case "tool":
        return { role: "tool", content: message.content, tool_call_id: message.tool_call_id };
    }
  });
  if (hasDroppedReasoning) {
    warnings.push({ code: "unsupported_parameter", param: "reasoning_content", message: "reasoning_content of earlier assistant turns is not accepted by this provider and was omitted." });
  }
  if (hasDroppedSignature) {
    warnings.push({ code: "unsupported_parameter", param: "reasoning_signature", message: "reasoning_signature and redacted_reasoning of earlier assistant turns belong to another provider and were omitted." });
  }
  return result;
}

function withName(message: JsonBody, name: string | undefined): JsonBody {
  if (name !== undefined) message.name = name;
  return message;
}

function buildUserContent(content: string | ContentPart[], quirks: OpenAICompatibleQuirks, warnings: Warning[]): string | JsonBody[] {
  if (typeof content === "string") return content;
  const parts: JsonBody[] = [];
  for (const part of content) {
    if (quirks.unsupportedContentParts?.includes(part.type)) {
      warnings.push({ code: "unsupported_parameter", param: part.type, message: `${part.type} content parts are not supported by this provider and were omitted.` });
      continue;
    }
    const built = buildContentPart(part, quirks, warnings);
    if (built) parts.push(built);
  }
  return parts;
}

function buildContentPart(part: ContentPart, quirks: OpenAICompatibleQuirks, warnings: Warning[]): JsonBody | undefined {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image_url": {
      if (quirks.imageUrls === "data-only" && !part.image_url.url.startsWith("data:")) {
        warnings.push({ code: "unsupported_parameter", param: "image_url", message: "Image URLs are not supported by this provider (only data: URLs); the image was omitted." });
        return undefined;
      }
      const image: JsonBody = { url: part.image_url.url };
      if (part.image_url.detail !== undefined) image.detail = part.image_url.detail;
      return { type: "image_url", image_url: image };
    }
    case "input_audio":
      return { type: "input_audio", input_audio: { data: part.input_audio.data, format: part.input_audio.format } };
    case "file": {
      const file: JsonBody = {};
      if (part.file.file_data !== undefined) file.file_data = part.file.file_data;
      if (part.file.file_id !== undefined) file.file_id = part.file.file_id;
      if (part.file.filename !== undefined) file.filename = part.file.filename;
      return { type: "file", file };
    }
  }
}
