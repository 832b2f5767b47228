import type { CompiledRule } from "./compile-policy";
import type { Span } from "./detectors";
import { mapPromptStrings } from "./prompt-text";

/** The body with every match of the rules' matchers masked as `[REDACTED:<detector>]`, in every prompt string. */
export function redactPrompt(body: unknown, rules: readonly CompiledRule[]): unknown {
  const matchers = rules.flatMap((rule) => rule.matchers);
  return mapPromptStrings(body, (text) => maskText(text, matchers));
}

function maskText(text: string, matchers: CompiledRule["matchers"]): string {
  const spans: (readonly [number, number, string])[] = [];
  for (const matcher of matchers) {
    if (!matcher.test(text)) continue;
    for (const [start, end] of matcher.find(text)) spans.push([start, end, matcher.name] as const);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let masked = "";
  let cursor = 0;
  for (const [start, end, name] of spans) {
    if (end <= cursor) continue;
    masked += text.slice(cursor, Math.max(start, cursor)) + (start >= cursor ? `[REDACTED:${name}]` : "");
    cursor = end;
  }
  return masked + text.slice(cursor);
}

export type { Span };
