/** How much of a caller-supplied string (a model name, a key, a path) an error message may quote. */
export const QUOTE_LIMIT = 64;

/**
 * A caller-supplied string as an error message may quote it: the first `max` characters (code points) and "…" when
 * it is longer. A request can carry a model name of megabytes; echoing it back would cost bandwidth, log space and the
 * ledger's error_message column, and turn the gateway into a reflector. Reads at most `max` characters.
 */
export function truncateCallerText(text: string, max = QUOTE_LIMIT): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let count = 0; count < max && end < text.length; count++) end += isHighSurrogate(text.charCodeAt(end)) && end + 1 < text.length ? 2 : 1;
  return end >= text.length ? text : `${text.slice(0, end)}…`;
}

/** Characters (code points) in `text`, as OpenAI and Anthropic count string lengths (JavaScript's `length` counts UTF-16 units). */
export function countCharacters(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++, count++) if (isHighSurrogate(text.charCodeAt(index)) && index + 1 < text.length) index++;
  return count;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
