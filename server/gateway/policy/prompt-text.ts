/**
 * The prompt of any endpoint's JSON body, read and rewritten the same way everywhere: every string under the
 * prompt fields (chat `messages`; Messages `system` and `messages`; Responses `instructions` and `input`;
 * embeddings `input`), including tool results and tool-call arguments, but not ids, roles, types, image or file
 * data, or reasoning signatures.
 */
const PROMPT_FIELDS = ["messages", "system", "instructions", "input", "prompt"] as const;
const NOT_PROMPT = new Set([
  "role",
  "type",
  "id",
  "call_id",
  "tool_call_id",
  "tool_use_id",
  "name",
  "url",
  "image_url",
  "data",
  "file_data",
  "file_id",
  "filename",
  "media_type",
  "format",
  "detail",
  "signature",
  "reasoning_signature",
  "redacted_reasoning",
  "encrypted_content",
  "cache_control",
  "status",
]);

/** Every prompt string of the body, in order. */
export function collectPromptStrings(body: unknown): string[] {
  const strings: string[] = [];
  if (!isObject(body)) return strings;
  const visit = (value: unknown): void => {
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (isObject(value)) for (const [key, child] of Object.entries(value)) if (!NOT_PROMPT.has(key)) visit(child);
  };
  for (const field of PROMPT_FIELDS) visit(body[field]);
  return strings;
}

/** A copy of the body with every prompt string passed through `map` (unchanged parts are shared, not copied). */
export function mapPromptStrings(body: unknown, map: (text: string) => string): unknown {
  if (!isObject(body)) return body;
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") return map(value);
    if (Array.isArray(value)) return value.map(visit);
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, NOT_PROMPT.has(key) ? child : visit(child)]));
  };
  const copy: Record<string, unknown> = { ...body };
  for (const field of PROMPT_FIELDS) if (field in copy) copy[field] = visit(copy[field]);
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
