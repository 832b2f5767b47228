/**
 * What is kept of a request beside its ledger row when its key (or team) asks (request_bodies, README "Stored
 * request bodies"): "full" keeps the body as it leaves the gateway (after policy redaction and reroutes);
 * "metadata" keeps its parameters and the prompt's shape (roles, part counts, text lengths, tool names) but no text.
 */
export interface StoredBodyValue {
  mode: "metadata" | "full";
  callerRegion: string | null;
  body: unknown;
  /** The answer's text and tool arguments (full mode), added when the request settles. */
  responseText?: string | null;
}

/** Body fields whose content is the prompt (never kept in metadata mode). */
const PROMPT_FIELDS = new Set(["messages", "system", "input", "instructions", "prompt", "tools", "functions"]);

function textLength(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, part) => sum + textLength(part), 0);
  if (value && typeof value === "object") {
    const { text, content } = value as { text?: unknown; content?: unknown };
    return textLength(text) + textLength(content);
  }
  return 0;
}

function messageShape(message: unknown): unknown {
  if (!message || typeof message !== "object") return { type: typeof message };
  const { role, content, tool_calls: toolCalls } = message as { role?: unknown; content?: unknown; tool_calls?: unknown };
  return {
    role: typeof role === "string" ? role : null,
    parts: Array.isArray(content) ? content.length : content === undefined || content === null ? 0 : 1,
    chars: textLength(content),
    ...(Array.isArray(toolCalls) ? { tool_calls: toolCalls.length } : {}),
  };
}

function toolName(tool: unknown): string | null {
  if (!tool || typeof tool !== "object") return null;
  const { name, function: fn } = tool as { name?: unknown; function?: { name?: unknown } };
  return typeof name === "string" ? name : typeof fn?.name === "string" ? fn.name : null;
}

/** The body without any prompt text: scalar parameters kept, prompt fields reduced to their shape. */
export function metadataOf(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return { type: Array.isArray(body) ? "array" : typeof body };
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === "messages" || name === "input") {
      kept[name] = Array.isArray(value) ? value.map(messageShape) : { chars: textLength(value) };
    } else if (name === "tools" || name === "functions") {
      kept[name] = Array.isArray(value) ? value.map(toolName) : null;
    } else if (PROMPT_FIELDS.has(name)) {
      kept[name] = { chars: textLength(value) };
    } else if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      // Scalars, except strings that could carry prompt text by another name: `user` and ids are short.
      kept[name] = typeof value === "string" && value.length > 256 ? { chars: value.length } : value;
    } else if (name === "metadata" || name === "stop" || name === "response_format" || name === "stream_options" || name === "reasoning") {
      kept[name] = value;
    }
  }
  return kept;
}

/** What to keep of a body for a key's mode; the caller's region is read only when something is kept. */
export function captureBody(mode: "none" | "metadata" | "full" | undefined, body: unknown, callerRegion: () => string | null): StoredBodyValue | undefined {
  if (!mode || mode === "none") return undefined;
  return { mode, callerRegion: callerRegion(), body: mode === "full" ? body : metadataOf(body) };
}
