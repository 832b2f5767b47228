/**
 * Tool schemas with a stable key order, so two requests that mean the same tools send the same bytes and the
 * provider's prompt cache (a byte-exact prefix: tools come first) keeps hitting whatever order the caller's JSON
 * serializer used (README "Provider prompt caching").
 * Schema keywords are sorted; the names inside `properties` keep the caller's order, because models generate
 * arguments in that order (it is meaning, not formatting).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function stableJsonSchema<T>(schema: T): T {
  return sortKeywords(schema as Json) as T;
}

function sortKeywords(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeywords);
  if (value === null || typeof value !== "object") return value;
  const sorted: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = key === "properties" ? keepOrder(value[key]) : sortKeywords(value[key]);
  }
  return sorted;
}

/** A `properties` map: its names in the caller's order, each subschema sorted. */
function keepOrder(value: Json): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return sortKeywords(value);
  const kept: { [key: string]: Json } = {};
  for (const [name, subschema] of Object.entries(value)) kept[name] = sortKeywords(subschema);
  return kept;
}
