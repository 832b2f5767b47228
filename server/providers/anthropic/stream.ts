/**
 * Anthropic Messages SSE events → normalized StreamEvents.
 *
 * Reference: https://platform.claude.com/docs/en/build-with-claude/streaming
 * Flow: message_start (message.usage: input, cache and initial output tokens) → per content block:
 * content_block_start, content_block_delta (text_delta | input_json_delta | thinking_delta | signature_delta |
 * citations_delta), content_block_stop → message_delta (delta.stop_reason; usage.output_tokens cumulative, and
 * on newer API versions cumulative input/cache counts too) → message_stop (the end marker). `ping` events may
 * appear anywhere; a thinking block's signature arrives whole in one signature_delta just before its
 * content_block_stop, and a redacted_thinking block arrives whole in its content_block_start (`data`), see
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#streaming-thinking and #thinking-redaction; an `error` event (e.g. overloaded_error) may arrive after the 200. Unknown event and delta
 * types are ignored, as the docs ask, for forward compatibility.
 */
import { defineStreamParser, type StepController, type StreamParser } from "@/server/gateway/stream/stream-parser";
import { z } from "zod";
import type { GatewayError, SseEvent, StreamEvent } from "@/server/gateway/types";
import { errorObjectSchema, statusForErrorType, toUpstreamError } from "./errors";
import { mapStopReason, toUsage, usageSchema, type AnthropicUsage } from "./response";

const messageStartSchema = z.looseObject({ message: z.looseObject({ usage: usageSchema.nullish() }) });
const blockStartSchema = z.looseObject({
  index: z.number(),
  content_block: z.looseObject({ type: z.string(), id: z.string().optional(), name: z.string().optional(), text: z.string().optional(), thinking: z.string().optional(), data: z.string().optional() }),
});
const blockDeltaSchema = z.looseObject({ index: z.number(), delta: z.looseObject({ type: z.string() }) });
const textDeltaSchema = z.looseObject({ text: z.string() });
const jsonDeltaSchema = z.looseObject({ partial_json: z.string() });
const thinkingDeltaSchema = z.looseObject({ thinking: z.string() });
const signatureDeltaSchema = z.looseObject({ signature: z.string() });
const messageDeltaSchema = z.looseObject({ delta: z.looseObject({ stop_reason: z.string().nullish() }), usage: usageSchema.nullish() });
const errorEventSchema = z.looseObject({ error: errorObjectSchema });

interface StreamState {
  isEnded: boolean;
  isFailed: boolean;
  stopReason?: string | null;
  usage?: AnthropicUsage;
  /** Anthropic content-block index → OpenAI tool index (0-based among tool_use blocks). */
  toolIndexByBlock: Map<number, number>;
}

type Controller = StepController<StreamEvent>;

export function createStreamParser(): StreamParser<SseEvent, StreamEvent> {
  const state: StreamState = { isEnded: false, isFailed: false, toolIndexByBlock: new Map() };
  return defineStreamParser<SseEvent, StreamEvent>({
    transform(event, controller) {
      if (state.isEnded || state.isFailed) return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return fail(state, controller, "malformed stream event");
      }
      const type = data !== null && typeof data === "object" && typeof (data as { type?: unknown }).type === "string" ? (data as { type: string }).type : event.event;
      if (!handleEvent(type, data, state, controller)) fail(state, controller, `malformed ${type ?? "stream"} event`);
    },
    flush(controller) {
      if (state.isFailed) return;
      if (!state.isEnded) {
        controller.enqueue(errorEvent(state, { kind: "stream_cut", provider: "anthropic" }));
        return;
      }
      const finish: StreamEvent = { type: "finish", finishReasons: [mapStopReason(state.stopReason)] };
      if (state.usage) finish.usage = toUsage(state.usage);
      controller.enqueue(finish);
    },
  });
}

/** Returns false when a known event is malformed. */
function handleEvent(type: string | undefined, data: unknown, state: StreamState, controller: Controller): boolean {
  switch (type) {
    case "message_start": {
      const parsed = messageStartSchema.safeParse(data);
      if (parsed.success && parsed.data.message.usage) state.usage = parsed.data.message.usage;
      return parsed.success;
    }
    case "content_block_start":
      return handleBlockStart(data, state, controller);
    case "content_block_delta":
      return handleBlockDelta(data, state, controller);
    case "message_delta": {
      const parsed = messageDeltaSchema.safeParse(data);
      if (!parsed.success) return false;
      state.stopReason = parsed.data.delta.stop_reason ?? state.stopReason;
      if (parsed.data.usage) state.usage = mergeUsage(state.usage, parsed.data.usage);
      return true;
    }
    case "message_stop":
      state.isEnded = true;
      return true;
    case "error": {
      const parsed = errorEventSchema.safeParse(data);
      if (!parsed.success) return false;
      state.isFailed = true;
      controller.enqueue(errorEvent(state, toUpstreamError(statusForErrorType(parsed.data.error.type), parsed.data.error)));
      return true;
    }
    default:
      // ping, content_block_stop, and event types added after this adapter was written.
      return true;
  }
}

function handleBlockStart(data: unknown, state: StreamState, controller: Controller): boolean {
  const parsed = blockStartSchema.safeParse(data);
  if (!parsed.success) return false;
  const { index, content_block: block } = parsed.data;
  if (block.type === "tool_use") {
    if (!block.id || !block.name) return false;
    const toolIndex = state.toolIndexByBlock.size;
    state.toolIndexByBlock.set(index, toolIndex);
    controller.enqueue({ type: "tool-call-delta", toolIndex, id: block.id, name: block.name, argumentsDelta: "" });
  } else if (block.type === "text" && block.text) {
    controller.enqueue({ type: "text-delta", text: block.text });
  } else if (block.type === "thinking" && block.thinking) {
    controller.enqueue({ type: "reasoning-delta", text: block.thinking });
  } else if (block.type === "redacted_thinking") {
    if (block.data === undefined) return false;
    controller.enqueue({ type: "redacted-reasoning", data: block.data });
  }
  return true;
}

function handleBlockDelta(data: unknown, state: StreamState, controller: Controller): boolean {
  const parsed = blockDeltaSchema.safeParse(data);
  if (!parsed.success) return false;
  const { index, delta } = parsed.data;
  switch (delta.type) {
    case "text_delta": {
      const text = textDeltaSchema.safeParse(delta);
      if (text.success && text.data.text !== "") controller.enqueue({ type: "text-delta", text: text.data.text });
      return text.success;
    }
    case "thinking_delta": {
      const thinking = thinkingDeltaSchema.safeParse(delta);
      if (thinking.success && thinking.data.thinking !== "") controller.enqueue({ type: "reasoning-delta", text: thinking.data.thinking });
      return thinking.success;
    }
    case "signature_delta": {
      const signature = signatureDeltaSchema.safeParse(delta);
      if (signature.success && signature.data.signature !== "") controller.enqueue({ type: "reasoning-signature", signature: signature.data.signature });
      return signature.success;
    }
    case "input_json_delta": {
      const json = jsonDeltaSchema.safeParse(delta);
      const toolIndex = state.toolIndexByBlock.get(index);
      // Server tool blocks (server_tool_use) also stream input_json_delta; they are not client tool calls.
      if (json.success && toolIndex !== undefined && json.data.partial_json !== "") {
        controller.enqueue({ type: "tool-call-delta", toolIndex, argumentsDelta: json.data.partial_json });
      }
      return json.success;
    }
    default:
      // citations_delta and newer delta types carry nothing an OpenAI client reads.
      return true;
  }
}

/** message_delta usage is cumulative; null fields keep the counts from message_start. */
function mergeUsage(previous: AnthropicUsage | undefined, next: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...previous };
  for (const [key, value] of Object.entries(next)) if (value != null) (merged as Record<string, unknown>)[key] = value;
  return merged;
}

function fail(state: StreamState, controller: Controller, message: string): void {
  state.isFailed = true;
  controller.enqueue(errorEvent(state, { kind: "upstream", provider: "anthropic", status: 502, message }));
}

/** A failure carries the usage message_start (and any message_delta) reported: what the provider billed so far. */
function errorEvent(state: StreamState, error: GatewayError): StreamEvent {
  return state.usage ? { type: "error", error, usage: toUsage(state.usage) } : { type: "error", error };
}
