/**
 * How an OpenAI-compatible provider deviates from OpenAI's Chat Completions API.
 * An empty table means "speaks OpenAI exactly". Parameter names are OpenAI's top-level field names.
 * The table is applied to the finished upstream body, in this order: unsupported → renamed → clamp.
 */
import type { ContentPart, Warning } from "@/server/gateway/types";

export interface OpenAICompatibleQuirks {
  /** Path appended to target.baseUrl. Default "/chat/completions". */
  path?: string;
  /** Top-level parameters the provider rejects: omitted with an "unsupported_parameter" warning. */
  unsupported?: readonly string[];
  /** Top-level parameters the provider knows by another name (OpenAI name → provider name). */
  renamed?: Readonly<Record<string, string>>;
  /** Numeric ranges the provider accepts; values outside are clamped with a "clamped_parameter" warning. */
  clamp?: Readonly<Record<string, { min?: number; max?: number }>>;
  /**
   * The most choices (`n`) one call returns. Unset: any `n`. A larger `n` is fanned out by the gateway into calls of at
   * most this many (gateway/chat/fan-out/), so the request builder never sees more.
   */
  maxChoices?: number;
  /** Pass unknown extra top-level fields through (default true). When false each one is omitted with a warning. */
  keepUnknownFields?: boolean;
  /** Send stream_options.include_usage when streaming (default true; false where the server rejects it and sends usage unasked). */
  streamUsage?: boolean;
  /** Role used for "developer" messages (default "developer"; older servers only know "system"). */
  developerRole?: "developer" | "system";
  /** "any" (default): image URLs pass as sent. "data-only": http(s) image URLs are omitted with a warning. */
  imageUrls?: "any" | "data-only";
  /** Content part types the provider rejects in user messages; omitted with a warning. */
  unsupportedContentParts?: readonly ContentPart["type"][];
  /** Send assistant `reasoning_content` of earlier turns back (default false: omitted with a warning). */
  reasoningHistory?: boolean;
  /**
   * How response_format json_schema reaches the provider: "native" (default) as OpenAI's field; "forced-tool" as one
   * function tool the model must call, its arguments turned back into the answer's text (forced-tool-json.ts).
   */
  jsonSchema?: "native" | "forced-tool";
  /** Function `strict` is honoured only when target.baseUrl ends with this path (DeepSeek: "/beta"); default: always. */
  strictFunctionsPath?: string;
  /**
   * Tool-call ids must be exactly this many characters of [a-zA-Z0-9] (Mistral: 9). Ids in the request that do not fit
   * are sent as deterministic fitting ids, the same for a call and its result (tool-call-ids.ts); fitting ids pass as sent.
   */
  toolCallIdLength?: number;
  /**
   * Error messages that mean "the prompt is over the context window", beyond OpenAI's code and wording: such a 400 is
   * reported as OpenAI's context_length_exceeded (context-window.ts).
   */
  contextOverflowMessages?: readonly RegExp[];
}

type JsonBody = Record<string, unknown>;

/** Applies the param table (unsupported, renamed, clamp) to a built body, recording a warning for each change. */
export function applyQuirks(body: JsonBody, quirks: OpenAICompatibleQuirks, warnings: Warning[]): void {
  for (const param of quirks.unsupported ?? []) {
    if (body[param] === undefined) continue;
    delete body[param];
    warnings.push({ code: "unsupported_parameter", param, message: `${param} is not supported by this provider and was omitted.` });
  }
  for (const [param, renamedTo] of Object.entries(quirks.renamed ?? {})) {
    if (body[param] === undefined) continue;
    body[renamedTo] = body[param];
    delete body[param];
    warnings.push({ code: "renamed_parameter", param, message: `${param} was sent as ${renamedTo}.` });
  }
  for (const [param, range] of Object.entries(quirks.clamp ?? {})) {
    const value = body[param];
    if (typeof value !== "number") continue;
    const clamped = Math.min(range.max ?? Infinity, Math.max(range.min ?? -Infinity, value));
    if (clamped === value) continue;
    body[param] = clamped;
    warnings.push({ code: "clamped_parameter", param, message: `${param} ${value} was clamped to ${clamped}.` });
  }
}
