import { z } from "zod";

/**
 * What the gateway does when a chat request would overflow its model's context window (README "Context-window
 * management"). `error` is the default and today's behaviour: the request goes out as it is and an overflow is the
 * OpenAI-shaped 400 `context_length_exceeded`.
 */
export const CONTEXT_MODES = ["error", "truncate", "summarize", "fallback", "split"] as const;
export type ContextMode = (typeof CONTEXT_MODES)[number];

/** The request header that picks a mode for one request. */
export const CONTEXT_HEADER = "x-modelgate-context";

const modelName = z.string().trim().min(1).max(256);

/** A model group's or a catalog model's context settings (group definition `context`, models.context). */
export const contextSettingsSchema = z
  .object({
    /** The mode of requests that send no x-modelgate-context header. */
    mode: z.enum(CONTEXT_MODES).default("error"),
    /** Tokens kept free beyond the prompt and max_tokens (tokenizer drift, the provider's own framing). */
    margin_tokens: z.number().int().min(0).max(100_000).default(256),
    /** summarize: the (cheaper) model that writes the summary; the caller's key must be allowed it. */
    summarize_model: modelName.optional(),
    /** fallback: a larger-context model or group the request goes to when it overflows (the key must be allowed it). */
    fallback_model: modelName.optional(),
    /** split: tokens each part of a document repeats from the previous one. */
    split_overlap_tokens: z.number().int().min(0).max(10_000).default(200),
    /** split: map requests in flight at once. */
    split_concurrency: z.number().int().min(1).max(16).default(4),
  })
  .strict();
export type ContextSettings = z.infer<typeof contextSettingsSchema>;

export const DEFAULT_CONTEXT_SETTINGS: ContextSettings = { mode: "error", margin_tokens: 256, split_overlap_tokens: 200, split_concurrency: 4 };

/**
 * The mode of one request: the header's when it names one, else the settings'. Any mode may be asked for by header;
 * `summarize` and `fallback` then need their model configured (README: the header chooses the behaviour, the admin
 * chooses the models that are paid for). An unknown value is the caller's error.
 */
export function readContextMode(header: string | undefined, settings: ContextSettings): { ok: true; mode: ContextMode } | { ok: false; message: string } {
  if (header === undefined || header.trim() === "") return { ok: true, mode: settings.mode };
  const value = header.trim().toLowerCase();
  if ((CONTEXT_MODES as readonly string[]).includes(value)) return { ok: true, mode: value as ContextMode };
  return { ok: false, message: `Invalid '${CONTEXT_HEADER}' header: expected one of ${CONTEXT_MODES.join(", ")}.` };
}
