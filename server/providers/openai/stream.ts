/**
 * Chat Completions SSE stream → normalized StreamEvents.
 * Reference: https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 *            https://platform.openai.com/docs/guides/streaming-responses
 * Data-only events carrying `chat.completion.chunk` objects; usage arrives in a last chunk with empty
 * `choices` when stream_options.include_usage is set; the end marker is `data: [DONE]`. An error mid-stream
 * arrives as `data: {"error": {...}}` (see the official SDK, openai-node src/streaming.ts).
 */
import { defineStreamParser, type StepController, type StreamParser } from "@/server/gateway/stream/stream-parser";
import { z } from "zod";
import type { FinishReason, GatewayError, ProviderId, SseEvent, StreamEvent, Usage } from "@/server/gateway/types";
import { errorObjectSchema, toStreamError } from "./errors";
import { createForcedToolUnwrapper } from "../forced-json-tool";
import type { OpenAICompatibleQuirks } from "./quirks";
import { mapFinishReason, toUsage, usageSchema } from "./response";

const toolCallDeltaSchema = z.looseObject({
  index: z.number().int().nonnegative().nullish(),
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const chunkSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().nonnegative().nullish(),
        delta: z
          .looseObject({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  error: errorObjectSchema.nullish(),
});

type Chunk = z.infer<typeof chunkSchema>;
type ToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

/**
 * Assigns each upstream tool call a 0-based index within its choice, in order of first appearance.
 * Keyed by the upstream `index`, else by `id` (servers that omit index), else the call in progress.
 */
function createToolCallIndexer() {
  const indices = new Map<string, number>();
  const counts = new Map<number, number>();
  const current = new Map<number, number>();
  return function indexOf(choice: number, delta: ToolCallDelta): { toolIndex: number; isFirst: boolean } {
    const key = delta.index != null ? `${choice}:i${delta.index}` : delta.id ? `${choice}:id${delta.id}` : undefined;
    const known = key !== undefined ? indices.get(key) : current.get(choice);
    if (known !== undefined) {
      current.set(choice, known);
      return { toolIndex: known, isFirst: false };
    }
    const toolIndex = counts.get(choice) ?? 0;
    counts.set(choice, toolIndex + 1);
    if (key !== undefined) indices.set(key, toolIndex);
    current.set(choice, toolIndex);
    return { toolIndex, isFirst: true };
  };
}

export function createStreamParser(provider: ProviderId, quirks: OpenAICompatibleQuirks = {}): StreamParser<SseEvent, StreamEvent> {
  let isDone = false;
  let hasFailed = false;
  let usage: Usage | undefined;
  const finishReasons: FinishReason[] = [];
  const indexOf = createToolCallIndexer();
  const unwrapForcedTool = quirks.jsonSchema === "forced-tool" ? createForcedToolUnwrapper() : undefined;

  /** Every event leaves through here, so the forced-tool quirk sees each one (it turns the forced call into text). */
  function emit(controller: StepController<StreamEvent>, event: StreamEvent): void {
    const emitted = unwrapForcedTool ? unwrapForcedTool(event) : event;
    if (emitted) controller.enqueue(emitted);
  }

  function fail(controller: StepController<StreamEvent>, error: GatewayError): void {
    hasFailed = true;
    // Usage reported before the failure (an include_usage chunk, a provider's per-chunk usage) is what it billed.
    controller.enqueue(usage ? { type: "error", error, usage } : { type: "error", error });
  }

  function emitChoices(chunk: Chunk, controller: StepController<StreamEvent>): void {
    for (const [position, choice] of (chunk.choices ?? []).entries()) {
      const index = choice.index ?? position;
      const at = index === 0 ? {} : { choice: index };
      const delta = choice.delta;
      const reasoning = delta?.reasoning_content ?? delta?.reasoning;
      if (reasoning) emit(controller, { type: "reasoning-delta", ...at, text: reasoning });
      const text = delta?.content || delta?.refusal;
      if (text) emit(controller, { type: "text-delta", ...at, text });
      for (const call of delta?.tool_calls ?? []) {
        const { toolIndex, isFirst } = indexOf(index, call);
        const event: Extract<StreamEvent, { type: "tool-call-delta" }> = { type: "tool-call-delta", ...at, toolIndex, argumentsDelta: call.function?.arguments ?? "" };
        if (isFirst && call.id) event.id = call.id;
        if (isFirst && call.function?.name) event.name = call.function.name;
        emit(controller, event);
      }
      if (choice.finish_reason) finishReasons[index] = mapFinishReason(choice.finish_reason);
    }
  }

  return defineStreamParser<SseEvent, StreamEvent>({
    transform(event, controller) {
      if (isDone || hasFailed) return;
      const data = event.data.trim();
      if (data === "[DONE]") {
        isDone = true;
        return;
      }
      // Forward compatibility: named events other than "error" are not part of this API; skip them.
      if (data === "" || (event.event !== undefined && event.event !== "message" && event.event !== "error")) return;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return fail(controller, { kind: "upstream", provider, status: 502, message: "malformed stream chunk" });
      }
      const parsed = chunkSchema.safeParse(json);
      if (!parsed.success) return fail(controller, { kind: "upstream", provider, status: 502, message: "malformed stream chunk" });
      if (parsed.data.error != null || event.event === "error") return fail(controller, toStreamError(provider, parsed.data.error ?? undefined));
      emitChoices(parsed.data, controller);
      if (parsed.data.usage != null) usage = toUsage(parsed.data.usage);
    },
    flush(controller) {
      if (hasFailed) return;
      if (!isDone) return fail(controller, { kind: "stream_cut", provider });
      const reasons = Array.from({ length: Math.max(1, finishReasons.length) }, (_, index) => finishReasons[index] ?? "stop");
      emit(controller, usage ? { type: "finish", finishReasons: reasons, usage } : { type: "finish", finishReasons: reasons });
    },
  });
}
