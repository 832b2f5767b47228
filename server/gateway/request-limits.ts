import { z } from "zod";
import { countCharacters, truncateCallerText } from "./caller-text";

/**
 * The documented request limits, enforced at parse time (zod, the inbound schemas), so an over-limit request is a 400
 * naming the field before any provider call, with OpenAI's codes and sentences (describe-issue.ts). README "Request
 * limits" has the table. Sources:
 * - OpenAI Chat Completions: https://platform.openai.com/docs/api-reference/chat/create (tools "A max of 128 functions
 *   are supported"; stop "Up to 4 sequences"; metadata "Set of 16 key-value pairs … Keys … maximum length of 64
 *   characters. Values … maximum length of 512 characters"; logit_bias "bias value from -100 to 100"; function and
 *   json_schema names "a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64"), and its OpenAPI
 *   spec (github.com/openai/openai-openapi: n minimum 1, maximum 128).
 * - OpenAI Responses: https://platform.openai.com/docs/api-reference/responses/create (the same tools, metadata, names).
 * - OpenAI Embeddings: https://platform.openai.com/docs/api-reference/embeddings/create ("any array must be 2048
 *   dimensions or less", "8192 tokens", "a maximum of 300,000 tokens summed across all inputs in a single request").
 * - Anthropic Messages: https://docs.claude.com/en/api/messages ("There is a limit of 100,000 messages in a single
 *   request"; its OpenAPI: model maxLength 256, Tool.name maxLength 128 with ^[a-zA-Z0-9_-]{1,128}$,
 *   metadata.user_id maxLength 256). count_tokens takes the same body.
 */

/** Anthropic's documented maximum for `model`; OpenAI documents none. The gateway's own names are ≤ 200 (server/admin/models.ts). */
export const MAX_MODEL_NAME_LENGTH = 256;
/** Anthropic's documented messages maximum. OpenAI documents none for messages or Responses input; the gateway uses the same bound. */
export const MAX_MESSAGES = 100_000;
export const MAX_TOOLS = 128;
export const MAX_STOP_SEQUENCES = 4;
export const MAX_CHOICES = 128;
export const MAX_METADATA_PAIRS = 16;
export const MAX_METADATA_KEY_LENGTH = 64;
export const MAX_METADATA_VALUE_LENGTH = 512;
/** 300 entries: the limit issue 14 names as OpenAI's (its current reference states none; no source for a larger one was found). */
export const MAX_LOGIT_BIAS_ENTRIES = 300;
export const LOGIT_BIAS_RANGE = 100;
export const MAX_FUNCTION_NAME_LENGTH = 64;
export const MAX_ANTHROPIC_TOOL_NAME_LENGTH = 128;
/**
 * The end-user id (`user`; Anthropic's metadata.user_id, which becomes `user`). Anthropic documents 256; OpenAI
 * documents no length (its validator has answered "string too long" at 64 or 256), so 256 refuses nothing either takes.
 */
export const MAX_USER_LENGTH = 256;
export const MAX_EMBEDDING_INPUTS = 2048;
export const MAX_EMBEDDING_INPUT_TOKENS = 8192;
export const MAX_EMBEDDING_REQUEST_TOKENS = 300_000;

const FUNCTION_NAME = /^[a-zA-Z0-9_-]+$/;
const ANTHROPIC_TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOKEN_ID = /^\d+$/;

/** A string of at most `max` characters, counted as code points (as OpenAI and Anthropic count); only an over-long one is scanned. */
export function boundedString(max: number) {
  return z.string().check((ctx) => {
    if (ctx.value.length > max && countCharacters(ctx.value) > max) ctx.issues.push({ code: "too_big", origin: "string", maximum: max, inclusive: true, input: ctx.value });
  });
}

/** An object of at most `max` properties (checked after its keys and values, as OpenAI reports a bad value first). */
function atMostProperties(max: number) {
  return (ctx: z.core.ParsePayload<Record<string, unknown>>) => {
    if (Object.keys(ctx.value).length > max) ctx.issues.push({ code: "too_big", origin: "object", maximum: max, inclusive: true, input: ctx.value });
  };
}

export const modelNameSchema = z.string().min(1).max(MAX_MODEL_NAME_LENGTH);
export const userSchema = boundedString(MAX_USER_LENGTH);
/** OpenAI function, tool and json_schema names. */
export const functionNameSchema = z.string().min(1).max(MAX_FUNCTION_NAME_LENGTH).regex(FUNCTION_NAME);
export const anthropicToolNameSchema = z.string().min(1).max(MAX_ANTHROPIC_TOOL_NAME_LENGTH).regex(ANTHROPIC_TOOL_NAME);

export const metadataSchema = z.record(boundedString(MAX_METADATA_KEY_LENGTH), boundedString(MAX_METADATA_VALUE_LENGTH)).check(atMostProperties(MAX_METADATA_PAIRS));

/** Token id → bias: keys are non-negative integers, values -100..100, at most MAX_LOGIT_BIAS_ENTRIES of them. */
export const logitBiasSchema = z
  .record(z.string(), z.number().min(-LOGIT_BIAS_RANGE).max(LOGIT_BIAS_RANGE))
  .check((ctx) => {
    const key = Object.keys(ctx.value).find((candidate) => !TOKEN_ID.test(candidate));
    if (key === undefined) return atMostProperties(MAX_LOGIT_BIAS_ENTRIES)(ctx);
    const message = `Invalid key in 'logit_bias': ${truncateCallerText(key)}. You should only be submitting non-negative integers.`;
    ctx.issues.push({ code: "custom", message, params: { code: "invalid_value" }, input: ctx.value });
  });
