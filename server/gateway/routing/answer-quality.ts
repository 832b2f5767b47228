import type { EventReader } from "../stream/run-stream";
import type { ChatResult, FinishReason, StreamEvent } from "../types";

/**
 * Quality signals of one served answer (README "Model groups and routing", Quality): a deployment that answers 200 with
 * nothing in it, with tool-call arguments that are not JSON, or cut by its token limit is not healthy even though no
 * error was returned. Counted per deployment in the routing state, they demote it like an open circuit's errors do.
 */
export interface AnswerQuality {
  /** No text and no tool call in any choice. */
  empty: boolean;
  /** A tool call whose arguments do not parse as a JSON object. */
  invalidToolArguments: boolean;
  /** A choice finished with `length` (the answer was cut by max_tokens or the model's output limit). */
  truncated: boolean;
}

export const isPoorAnswer = (quality: AnswerQuality) => quality.empty || quality.invalidToolArguments || quality.truncated;

/** The quality of a complete non-stream answer. */
export function judgeResult(result: ChatResult): AnswerQuality {
  const empty = result.choices.every((choice) => !choice.text && (choice.toolCalls ?? []).length === 0);
  const invalidToolArguments = result.choices.some((choice) => (choice.toolCalls ?? []).some((call) => !isJsonObject(call.arguments)));
  return { empty, invalidToolArguments, truncated: hasLength(result.choices.map((choice) => choice.finishReason)) };
}

/**
 * A pass-through reader that judges a stream as it goes to the client and reports once, on its finish event (a stream
 * that fails or is aborted is an error, counted by the circuit breaker, not a quality sample).
 */
export function tapQuality(reader: EventReader, first: StreamEvent, report: (quality: AnswerQuality) => void): EventReader {
  let hasContent = false;
  const toolArguments = new Map<string, string>();
  const observe = (event: StreamEvent) => {
    if (event.type === "text-delta") hasContent ||= event.text.length > 0;
    else if (event.type === "tool-call-delta") {
      hasContent = true;
      const slot = `${event.choice ?? 0}:${event.toolIndex}`;
      toolArguments.set(slot, (toolArguments.get(slot) ?? "") + event.argumentsDelta);
    } else if (event.type === "finish") {
      report({ empty: !hasContent, invalidToolArguments: [...toolArguments.values()].some((text) => !isJsonObject(text)), truncated: hasLength(event.finishReasons) });
    }
  };
  observe(first);
  return {
    async read() {
      const next = await reader.read();
      if (!next.done) observe(next.value);
      return next;
    },
    cancel: (reason?: unknown) => reader.cancel(reason),
  };
}

function hasLength(reasons: readonly (FinishReason | null | undefined)[]): boolean {
  return reasons.some((reason) => reason === "length");
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
