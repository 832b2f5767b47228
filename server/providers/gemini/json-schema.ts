/**
 * JSON Schema → the subset Gemini accepts in FunctionDeclaration.parametersJsonSchema and
 * GenerationConfig.responseJsonSchema. Per the reference, only these keywords are supported:
 * $id $defs $ref $anchor type format title description enum items prefixItems minItems maxItems
 * minimum maximum anyOf oneOf properties additionalProperties required (+ propertyOrdering), and a
 * sub-schema with $ref may carry no other non-$ keyword.
 * https://ai.google.dev/api/generate-content#FIELDS.response_json_schema
 * https://ai.google.dev/api/caching#FunctionDeclaration
 * Anything else is dropped and reported, so the caller can warn about it.
 */
const supportedKeywords = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mapValues(value: unknown, dropped: Set<string>): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, sanitize(schema, dropped)]));
}

function mapArray(value: unknown, dropped: Set<string>): unknown {
  return Array.isArray(value) ? value.map((schema) => sanitize(schema, dropped)) : value;
}

function sanitizeKeyword(key: string, value: unknown, dropped: Set<string>): unknown {
  switch (key) {
    case "properties":
    case "$defs":
      return mapValues(value, dropped);
    case "items":
    case "additionalProperties":
      return isObject(value) ? sanitize(value, dropped) : value;
    case "prefixItems":
    case "anyOf":
    case "oneOf":
      return mapArray(value, dropped);
    default:
      return value;
  }
}

function sanitize(schema: unknown, dropped: Set<string>): unknown {
  if (!isObject(schema)) return schema;
  const hasRef = typeof schema.$ref === "string";
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!supportedKeywords.has(key) || (hasRef && !key.startsWith("$"))) {
      dropped.add(key);
      continue;
    }
    result[key] = sanitizeKeyword(key, value, dropped);
  }
  return result;
}

/** Returns the schema Gemini accepts and the (sorted, unique) keywords that had to be dropped. */
export function toGeminiJsonSchema(schema: JsonObject): { schema: JsonObject; dropped: string[] } {
  const dropped = new Set<string>();
  const result = sanitize(schema, dropped) as JsonObject;
  return { schema: result, dropped: [...dropped].sort() };
}
