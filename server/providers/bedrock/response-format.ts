/**
 * response_format (json_object / json_schema) → Converse structured output.
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/structured-output.html ("Get validated JSON results from
 *   models": Converse takes `outputConfig.textFormat`; the schema is validated against a JSON Schema 2020-12 subset,
 *   unsupported features are a 400)
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-structured-outputs.html (Claude Sonnet 4.5,
 *   Haiku 4.5, Opus 4.5 and Opus 4.6 through Converse / ConverseStream)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_OutputConfig.html,
 *   API_runtime_OutputFormat.html (type json_schema, structure), API_runtime_OutputFormatStructure.html (union:
 *   jsonSchema), API_runtime_JsonSchemaDefinition.html (schema: a JSON *string*, required; name, description optional)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html (`any`: the model must call a
 *   tool and generates no text; `tool`: only Anthropic Claude 3+ and Amazon Nova)
 *
 * The mechanism, per request:
 * - json_schema with a schema, on a model with native structured output (Claude 4.5 and later): `outputConfig.textFormat`.
 *   Constrained decoding; it combines with the caller's tools and with extended thinking. The answer is plain text.
 * - otherwise (json_object, a json_schema without a schema, other models): a forced tool, JSON_TOOL_NAME, whose input
 *   schema is the caller's schema (json_object: an open `{type:"object"}`). Tool input is always a JSON value, which
 *   makes this more reliable than a prompt instruction. ../forced-json-tool.ts turns its input back into the
 *   assistant's text with finish reason `stop` (applied in ./response.ts and ./stream.ts). Forcing a tool rules out Claude's extended thinking (./thinking.ts then
 *   omits reasoning_effort with a warning: the requested format wins over optional reasoning).
 * - a forced tool cannot sit next to the caller's own tools (the model could answer with either, and its answer could
 *   not be told apart from a real tool call): that request is a 400 naming response_format, never half-applied (as the
 *   OpenAI-compatible forced tool, ../openai/forced-tool-json.ts). A caller tool named JSON_TOOL_NAME is a 400 too, so a
 *   tool use with that name is always the structured answer.
 */
import type { ChatRequest, GatewayError } from "@/server/gateway/types";
import { FORCED_JSON_TOOL_NAME, reservedToolNameError } from "../forced-json-tool";

/** The forced tool's name; reserved, so a tool use with this name is always the structured answer (../forced-json-tool.ts). */
export const JSON_TOOL_NAME = FORCED_JSON_TOOL_NAME;

/** Bedrock model ids (plain or cross-region inference profiles) with native structured output: Claude 4.5 and later. */
const NATIVE_MODEL = /(^|\.)anthropic\.claude-(haiku|sonnet|opus)-(4-[5-9]|[5-9])(\D|$)/;
/** Models that accept `toolChoice.tool`; others get `any`, which forces the only declared tool just the same. */
const SPECIFIC_TOOL_CHOICE_MODEL = /(^|\.)(anthropic\.claude-|amazon\.nova-)/;

export function hasNativeStructuredOutput(modelId: string): boolean {
  return NATIVE_MODEL.test(modelId);
}

/** Whether the body forces JSON_TOOL_NAME (set by applyResponseFormat). */
export function isForcedJsonTool(body: Record<string, unknown>): boolean {
  const config = body.toolConfig as { tools?: { toolSpec?: { name?: string } }[] } | undefined;
  return config?.tools?.length === 1 && config.tools[0].toolSpec?.name === JSON_TOOL_NAME;
}

/**
 * Sets `outputConfig` or the forced JSON tool on the Converse body (after the caller's toolConfig was built). Returns the
 * error for a request it cannot serve correctly (the gateway answers it without sending).
 */
export function applyResponseFormat(request: ChatRequest, modelId: string, body: Record<string, unknown>): GatewayError | undefined {
  if (request.tools?.some((tool) => tool.function.name === JSON_TOOL_NAME)) return reservedToolNameError();
  const format = request.response_format;
  if (!format || format.type === "text") return undefined;
  const schema = format.type === "json_schema" ? format.json_schema.schema : undefined;
  if (format.type === "json_schema" && schema && hasNativeStructuredOutput(modelId)) {
    const { name, description } = format.json_schema;
    body.outputConfig = { textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(schema), name, ...(description ? { description } : {}) } } } };
    return undefined;
  }
  if (request.tools?.length || (request.tool_choice !== undefined && request.tool_choice !== "none")) {
    return {
      kind: "invalid_request",
      param: "response_format",
      code: "invalid_value",
      message: "On this Bedrock model response_format is enforced with a forced tool, which cannot be combined with tools or tool_choice; send one or the other (Claude 4.5 and later take a json_schema together with tools natively).",
    };
  }
  const description = format.type === "json_schema" && format.json_schema.description ? format.json_schema.description : "Give your complete answer as this tool's input.";
  const spec = { name: JSON_TOOL_NAME, description, inputSchema: { json: schema ?? { type: "object" } } };
  const toolChoice = SPECIFIC_TOOL_CHOICE_MODEL.test(modelId) ? { tool: { name: JSON_TOOL_NAME } } : { any: {} };
  body.toolConfig = { tools: [{ toolSpec: spec }], toolChoice };
  return undefined;
}
