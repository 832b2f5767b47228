import { z } from "zod";
import type { ChatRequest } from "../../types";
import type { WarningList } from "./translate-messages";

/**
 * Anthropic structured outputs → the ChatRequest's `response_format`, which every provider adapter maps to its own
 * mechanism (OpenAI response_format, Anthropic output_config.format, Gemini responseJsonSchema).
 * References:
 * - https://platform.claude.com/docs/en/api/messages (`output_config`: { format?: { type: "json_schema", schema }, effort? })
 * - https://platform.claude.com/docs/en/build-with-claude/structured-outputs (GA shape `output_config.format`; the beta
 *   top-level `output_format` with the same { type, schema } shape is deprecated but still sent by older SDKs)
 * - SDK types: github.com/anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts (OutputConfig, JSONOutputFormat)
 * - https://platform.openai.com/docs/api-reference/chat/create (response_format.json_schema: name is required)
 *
 * Anthropic's format has no name; OpenAI requires one, so the schema is sent as "response" (the AI SDK's default).
 * Anthropic always constrains decoding to the schema, so `strict: true` keeps that guarantee where it exists.
 * `effort` tunes Anthropic's whole token spend (text, tools and thinking); reasoning_effort is not the same knob and
 * non-reasoning models reject it, so effort is ignored with a warning, as is any field this file does not know.
 */
export const RESPONSE_FORMAT_NAME = "response";

const jsonOutputFormatSchema = z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) });

export const outputConfigSchema = z.looseObject({
  format: jsonOutputFormatSchema.nullish(),
  effort: z.string().nullish(),
});

export const outputFormatSchema = jsonOutputFormatSchema.nullish();

type OutputFields = { output_config?: z.infer<typeof outputConfigSchema>; output_format?: z.infer<typeof outputFormatSchema> };

export function translateOutputFormat(request: OutputFields, warnings: WarningList): ChatRequest["response_format"] {
  const config = request.output_config;
  for (const field of Object.keys(config ?? {})) {
    if (field === "format") continue;
    if (field === "effort" && config?.effort == null) continue;
    warnings.unsupported(`output_config.${field}`, `output_config.${field} cannot be expressed for every provider; it was ignored.`);
  }
  const format = config?.format ?? request.output_format;
  if (config?.format && request.output_format) {
    warnings.unsupported("output_format", "output_format is superseded by output_config.format; it was ignored.");
  }
  if (!format) return undefined;
  return { type: "json_schema", json_schema: { name: RESPONSE_FORMAT_NAME, schema: format.schema, strict: true } };
}
