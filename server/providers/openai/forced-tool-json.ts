/**
 * `response_format: json_schema` for OpenAI-compatible providers that lack it but have named `tool_choice` (quirk
 * `jsonSchema: "forced-tool"`): the schema is sent as one function tool the model is forced to call, and the call's
 * arguments come back as the assistant's text.
 * References:
 *   https://platform.openai.com/docs/api-reference/chat/create     (response_format.json_schema {name, description, schema,
 *                                                                   strict}; tools; tool_choice {type:"function", function:{name}})
 *   https://platform.openai.com/docs/guides/structured-outputs     (the answer is message.content holding the JSON)
 *   https://api-docs.deepseek.com/api/create-chat-completion       (DeepSeek: response_format text | json_object only; tools;
 *                                                                   tool_choice none | auto | required | named function)
 *   https://api-docs.deepseek.com/guides/function_calling          (DeepSeek: function `strict` is a Beta feature, honoured only
 *                                                                   with base_url https://api.deepseek.com/beta)
 * The answer side (the forced call turned back into text) is provider-neutral: ../forced-json-tool.ts. Caller tools or tool_choice beside a json_schema are a
 * 400 too: the model could then answer either a caller tool or the schema, never reliably both.
 */
import type { GatewayError, Target, Warning } from "@/server/gateway/types";
import { FORCED_JSON_TOOL_NAME as FORCED_TOOL_NAME, reservedToolNameError } from "../forced-json-tool";
import type { OpenAICompatibleQuirks } from "./quirks";

export { FORCED_TOOL_NAME };
const DEFAULT_DESCRIPTION = "Give the final answer as this function's arguments.";

type JsonBody = Record<string, unknown>;

const invalid = (message: string, param: string): GatewayError => ({ kind: "invalid_request", message, param, code: "invalid_value" });

/** Rewrites a built upstream body in place: json_schema → forced tool. Returns the 400 to answer instead, if any. */
export function applyForcedToolJson(body: JsonBody, target: Target, quirks: OpenAICompatibleQuirks, warnings: Warning[]): GatewayError | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as { function: { name: string } }[]) : [];
  if (tools.some((tool) => tool.function.name === FORCED_TOOL_NAME)) return reservedToolNameError();
  const format = body.response_format as JsonBody | undefined;
  if (format?.type !== "json_schema") return undefined;
  if (tools.length > 0 || body.tool_choice !== undefined) {
    return invalid(
      "response_format json_schema cannot be combined with tools or tool_choice on this provider: it has no native json_schema, and the gateway sends the schema as a forced tool call.",
      "response_format",
    );
  }
  const schema = format.json_schema as { name: string; description?: string; schema?: JsonBody; strict?: boolean };
  const definition: JsonBody = { name: FORCED_TOOL_NAME, description: schema.description ?? DEFAULT_DESCRIPTION, parameters: schema.schema ?? { type: "object" } };
  if (schema.strict != null) {
    if (hasStrictFunctions(target, quirks)) definition.strict = schema.strict;
    else if (schema.strict) {
      warnings.push({
        code: "unsupported_parameter",
        param: "response_format.json_schema.strict",
        message: `strict function schemas need this provider's ${quirks.strictFunctionsPath} base URL; the schema was sent without strict.`,
      });
    }
  }
  delete body.response_format;
  body.tools = [{ type: "function", function: definition }];
  body.tool_choice = { type: "function", function: { name: FORCED_TOOL_NAME } };
  warnings.push({ code: "renamed_parameter", param: "response_format", message: `response_format json_schema was sent as a forced tool call (${FORCED_TOOL_NAME}); its arguments are the answer's content.` });
  return undefined;
}

function hasStrictFunctions(target: Target, quirks: OpenAICompatibleQuirks): boolean {
  const path = quirks.strictFunctionsPath;
  return path === undefined || target.baseUrl.replace(/\/+$/, "").endsWith(path);
}
