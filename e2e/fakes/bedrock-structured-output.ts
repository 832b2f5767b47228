/**
 * The fake Bedrock runtime's structured output (Converse / ConverseStream `outputConfig`), used by bedrock-fake.ts.
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/structured-output.html (outputConfig.textFormat for Converse;
 *     the schema is checked against a JSON Schema 2020-12 subset, unsupported features are a 400 at once)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-structured-outputs.html (Claude Sonnet 4.5,
 *     Haiku 4.5, Opus 4.5, Opus 4.6 through Converse; Nova Lite v1, the fake's other model, is not listed)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_OutputConfig.html (textFormat),
 *   API_runtime_OutputFormat.html (type json_schema, structure: both required), API_runtime_OutputFormatStructure.html
 *   (union: jsonSchema), API_runtime_JsonSchemaDefinition.html (schema: a JSON string, required; name, description)
 *   https://platform.claude.com/docs/en/build-with-claude/structured-outputs (Claude's subset: every object needs
 *     additionalProperties false)
 * Bedrock's exact wording for schema and model errors is not published; the messages here are close paraphrases.
 */
import { FAKE_TEXT } from "./common";

type Json = Record<string, unknown>;
export type OutputConfigResult = { ok: true; schema?: Json } | { ok: false; message: string };

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

class SchemaError extends Error {}
function fail(message: string): never {
  throw new SchemaError(message);
}

function only(value: unknown, path: string, allowed: string[]): Json {
  if (!isObject(value)) fail(`${path} must be an object.`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(`Malformed input request: extraneous key [${key}] is not permitted at ${path}, please reformat your input and try again.`);
  return value;
}

/** Models with native structured output (outputConfig.textFormat) among the fake's models. */
const STRUCTURED_OUTPUT_MODEL = /(^|\.)anthropic\.claude-(haiku|sonnet|opus)-(4-[5-9]|[5-9])(\D|$)/;

/** outputConfig of a Converse body: the parsed JSON schema, if any, or the ValidationException message. */
export function validateOutputConfig(body: unknown, modelId: string): OutputConfigResult {
  try {
    return { ok: true, schema: parseOutputConfig(body as Json, modelId) };
  } catch (error) {
    if (error instanceof SchemaError) return { ok: false, message: error.message };
    throw error;
  }
}

function parseOutputConfig(request: Json, modelId: string): Json | undefined {
  if (request.outputConfig === undefined) return undefined;
  const config = only(request.outputConfig, "outputConfig", ["textFormat"]);
  if (config.textFormat === undefined) return undefined;
  if (!STRUCTURED_OUTPUT_MODEL.test(modelId)) fail("This model doesn't support the outputConfig.textFormat field. Remove it and try again.");
  const format = only(config.textFormat, "outputConfig.textFormat", ["type", "structure"]);
  if (format.type !== "json_schema") fail(`1 validation error detected: Value '${String(format.type)}' at 'outputConfig.textFormat.type' failed to satisfy constraint: Member must satisfy enum value set: [json_schema]`);
  const structure = only(format.structure, "outputConfig.textFormat.structure", ["jsonSchema"]);
  if (Object.keys(structure).length !== 1) fail("outputConfig.textFormat.structure must set exactly one member of the union.");
  const definition = only(structure.jsonSchema, "outputConfig.textFormat.structure.jsonSchema", ["schema", "name", "description"]);
  for (const key of ["name", "description"]) {
    if (definition[key] !== undefined && (typeof definition[key] !== "string" || definition[key] === "")) fail(`outputConfig.textFormat.structure.jsonSchema.${key} must be a non-empty string.`);
  }
  if (typeof definition.schema !== "string") fail("outputConfig.textFormat.structure.jsonSchema.schema must be a string containing a JSON schema.");
  let schema: unknown;
  try {
    schema = JSON.parse(definition.schema);
  } catch {
    fail("The provided JSON schema is not valid JSON.");
  }
  if (!isObject(schema)) fail("The provided JSON schema must be a JSON object.");
  checkClosedObjects(schema, "#");
  return schema;
}

/** Structured output needs additionalProperties false on every object schema. */
function checkClosedObjects(schema: Json, path: string): void {
  if ((schema.type === "object" || isObject(schema.properties)) && schema.additionalProperties !== false) {
    fail(`Invalid JSON schema: additionalProperties must be set to false for object types (at ${path}).`);
  }
  const children: [string, unknown][] = [
    ...Object.entries(isObject(schema.properties) ? schema.properties : {}).map(([name, child]) => [`${path}/properties/${name}`, child] as [string, unknown]),
    ...Object.entries(isObject(schema.$defs) ? schema.$defs : {}).map(([name, child]) => [`${path}/$defs/${name}`, child] as [string, unknown]),
    [`${path}/items`, schema.items],
    ...["anyOf", "oneOf", "allOf"].flatMap((key) => (Array.isArray(schema[key]) ? (schema[key] as unknown[]).map((child, index) => [`${path}/${key}/${index}`, child] as [string, unknown]) : [])),
  ];
  for (const [childPath, child] of children) if (isObject(child)) checkClosedObjects(child, childPath);
}

/** A value that conforms to a (simple) JSON schema: first enum / const / anyOf branch, FAKE_TEXT for strings. */
export function sampleFromSchema(schema: unknown): unknown {
  if (!isObject(schema)) return FAKE_TEXT;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return sampleFromSchema(branches[0]);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== "null") : (schema.type ?? (isObject(schema.properties) ? "object" : undefined));
  switch (type) {
    case "object": {
      const properties = isObject(schema.properties) ? Object.entries(schema.properties) : [];
      if (properties.length === 0) return schema.additionalProperties === false ? {} : { text: FAKE_TEXT };
      return Object.fromEntries(properties.map(([name, property]) => [name, sampleFromSchema(property)]));
    }
    case "array":
      return [sampleFromSchema(schema.items)];
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return FAKE_TEXT;
  }
}
