/**
 * Exposed tool names: `<slug>__<tool>`, at most 64 characters of `[A-Za-z0-9_-]` (the limit clients such as
 * OpenAI's and Anthropic's tool APIs enforce). A name that cannot be exposed is never rewritten into a different
 * one: it stays hidden and the console shows the reason.
 */
export const MAX_EXPOSED_NAME_LENGTH = 64;
export const SEPARATOR = "__";
const allowedCharacters = /^[A-Za-z0-9_-]+$/;
export const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export type ExposedName = { ok: true; name: string } | { ok: false; reason: string };

export function exposeToolName(slug: string, tool: string): ExposedName {
  if (tool.length === 0) return { ok: false, reason: "the upstream tool has an empty name" };
  if (!allowedCharacters.test(tool)) return { ok: false, reason: "the tool name has characters outside A-Z a-z 0-9 _ -" };
  const name = `${slug}${SEPARATOR}${tool}`;
  if (name.length > MAX_EXPOSED_NAME_LENGTH) return { ok: false, reason: `${slug}${SEPARATOR}${tool.slice(0, 8)}… is ${name.length} characters; exposed names hold at most ${MAX_EXPOSED_NAME_LENGTH}` };
  return { ok: true, name };
}

/** Splits an exposed name at the first `__` (slugs never contain `_`). */
export function splitExposedName(name: string): { slug: string; tool: string } | undefined {
  const at = name.indexOf(SEPARATOR);
  if (at <= 0 || at + SEPARATOR.length >= name.length) return undefined;
  return { slug: name.slice(0, at), tool: name.slice(at + SEPARATOR.length) };
}
