/**
 * Structured output through a forced tool, the provider-neutral half: for providers with no native json_schema the
 * adapters send the schema as one tool the model must call (./openai/forced-tool-json.ts for OpenAI-compatible kinds,
 * ./bedrock/response-format.ts for Converse). The tool has a reserved name no caller tool may use, so the answer side,
 * which never sees the request, can tell it apart: these functions turn that call back into the assistant's text, on
 * normalized choices and stream events, for every adapter alike.
 */
import type { ChatChoice, FinishReason, GatewayError, StreamEvent } from "@/server/gateway/types";

export const FORCED_JSON_TOOL_NAME = "modelgate_json_response";

/** The 400 for a caller tool that uses the reserved name. */
export function reservedToolNameError(): GatewayError {
  return { kind: "invalid_request", param: "tools", code: "invalid_value", message: `The tool name ${FORCED_JSON_TOOL_NAME} is reserved by the gateway for structured output on this provider.` };
}

/** Non-stream: the forced call's arguments become the text; the call itself is not part of the answer. */
export function unwrapForcedToolChoice(choice: ChatChoice): ChatChoice {
  const forced = choice.toolCalls?.find((call) => call.name === FORCED_JSON_TOOL_NAME);
  if (!forced) return choice;
  const { toolCalls, ...rest } = choice;
  const others = toolCalls!.filter((call) => call !== forced);
  const result: ChatChoice = { ...rest, text: forced.arguments, finishReason: toFinishReason(choice.finishReason, others.length > 0) };
  if (others.length > 0) result.toolCalls = others;
  return result;
}

/** Only a cut-off answer keeps its reason; the forced call itself ends as a plain "stop". */
function toFinishReason(reason: FinishReason, hasOtherCalls: boolean): FinishReason {
  return reason === "tool_calls" && !hasOtherCalls ? "stop" : reason;
}

/**
 * Stream: tool-call deltas of the forced call become text deltas at the same choice, and that choice finishes with
 * "stop" instead of "tool_calls". Returns the event to emit instead (undefined: nothing to emit).
 */
export function createForcedToolUnwrapper(): (event: StreamEvent) => StreamEvent | undefined {
  const forcedCalls = new Set<string>();
  return (event) => {
    if (event.type === "finish") {
      const reasons = event.finishReasons.map((reason, choice) => (hasForcedCall(forcedCalls, choice) ? toFinishReason(reason, false) : reason));
      return { ...event, finishReasons: reasons };
    }
    if (event.type !== "tool-call-delta") return event;
    const key = `${event.choice ?? 0}:${event.toolIndex}`;
    if (event.name === FORCED_JSON_TOOL_NAME) forcedCalls.add(key);
    if (!forcedCalls.has(key)) return event;
    if (event.argumentsDelta === "") return undefined;
    return event.choice === undefined ? { type: "text-delta", text: event.argumentsDelta } : { type: "text-delta", choice: event.choice, text: event.argumentsDelta };
  };
}

function hasForcedCall(forcedCalls: ReadonlySet<string>, choice: number): boolean {
  for (const key of forcedCalls) if (key.startsWith(`${choice}:`)) return true;
  return false;
}
