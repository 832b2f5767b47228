/**
 * ConverseStream events (decoded by ./event-stream into `{ event, data }`) → normalized stream events.
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html (ConverseStreamOutput:
 *   messageStart, contentBlockStart, contentBlockDelta, contentBlockStop, messageStop, metadata; exceptions)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlockDelta.html (text, toolUse.input
 *   as a JSON string fragment, reasoningContent.text)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamMetadataEvent.html (usage)
 *
 * The end marker is `metadata` after `messageStop`; without both, flush() reports a cut stream.
 * The forced response_format tool (./response-format.ts) is the structured answer: its input deltas (JSON fragments)
 * become text deltas, and `tool_use` maps to `stop` when no other tool was called.
 */
import { z } from "zod";
import type { FinishReason, SseEvent, StreamEvent, Usage } from "@/server/gateway/types";
import { normalizeErrorType, toUpstreamError } from "./errors";
import { createForcedToolUnwrapper } from "../forced-json-tool";
import { mapStopReason, mapUsage, usageSchema } from "./response";

type Controller = Pick<TransformStreamDefaultController<StreamEvent>, "enqueue">;

const blockStartSchema = z.looseObject({
  contentBlockIndex: z.number(),
  start: z.looseObject({ toolUse: z.looseObject({ toolUseId: z.string(), name: z.string() }).optional() }).optional(),
});
const blockDeltaSchema = z.looseObject({
  contentBlockIndex: z.number(),
  delta: z.looseObject({
    text: z.string().optional(),
    toolUse: z.looseObject({ input: z.string() }).optional(),
    reasoningContent: z.looseObject({ text: z.string().optional() }).optional(),
  }),
});
const messageStopSchema = z.looseObject({ stopReason: z.string() });
const metadataSchema = z.looseObject({ usage: usageSchema.optional() });
const exceptionSchema = z.object({ type: z.string(), message: z.string() });

class ConverseStreamState {
  private failed = false;
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private hasMetadata = false;
  private readonly toolIndexes = new Map<number, number>();

  accept(event: SseEvent, controller: Controller): void {
    if (this.failed) return;
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      return this.fail(controller, "malformed stream event");
    }
    switch (event.event) {
      case "contentBlockStart":
        return this.acceptStart(blockStartSchema.safeParse(json), controller);
      case "contentBlockDelta":
        return this.acceptDelta(blockDeltaSchema.safeParse(json), controller);
      case "messageStop": {
        const parsed = messageStopSchema.safeParse(json);
        if (!parsed.success) return this.fail(controller, "malformed messageStop event");
        this.finishReason = mapStopReason(parsed.data.stopReason);
        return;
      }
      case "metadata": {
        const parsed = metadataSchema.safeParse(json);
        if (!parsed.success) return this.fail(controller, "malformed metadata event");
        if (parsed.data.usage) this.usage = mapUsage(parsed.data.usage);
        this.hasMetadata = this.finishReason !== undefined;
        return;
      }
      case "exception": {
        const parsed = exceptionSchema.safeParse(json);
        this.failed = true;
        const type = parsed.success ? normalizeErrorType(parsed.data.type) : undefined;
        controller.enqueue({ type: "error", error: toUpstreamError(type, 500, parsed.success ? parsed.data.message : undefined) });
        return;
      }
      default:
        return; // messageStart, contentBlockStop and unknown events carry nothing to forward
    }
  }

  finish(controller: Controller): void {
    if (this.failed) return;
    if (this.finishReason === undefined || !this.hasMetadata) {
      controller.enqueue({ type: "error", error: { kind: "stream_cut", provider: "bedrock" } });
      return;
    }
    controller.enqueue(this.usage ? { type: "finish", finishReasons: [this.finishReason], usage: this.usage } : { type: "finish", finishReasons: [this.finishReason] });
  }

  private acceptStart(parsed: ReturnType<typeof blockStartSchema.safeParse>, controller: Controller): void {
    if (!parsed.success) return this.fail(controller, "malformed contentBlockStart event");
    const toolUse = parsed.data.start?.toolUse;
    if (!toolUse) return;
    const toolIndex = this.toolIndexes.size;
    this.toolIndexes.set(parsed.data.contentBlockIndex, toolIndex);
    controller.enqueue({ type: "tool-call-delta", toolIndex, id: toolUse.toolUseId, name: toolUse.name, argumentsDelta: "" });
  }

  private acceptDelta(parsed: ReturnType<typeof blockDeltaSchema.safeParse>, controller: Controller): void {
    if (!parsed.success) return this.fail(controller, "malformed contentBlockDelta event");
    const { delta, contentBlockIndex } = parsed.data;
    if (delta.text !== undefined && delta.text !== "") controller.enqueue({ type: "text-delta", text: delta.text });
    if (delta.reasoningContent?.text) controller.enqueue({ type: "reasoning-delta", text: delta.reasoningContent.text });
    if (delta.toolUse) {
      const toolIndex = this.toolIndexes.get(contentBlockIndex);
      if (toolIndex === undefined) return this.fail(controller, "toolUse delta without contentBlockStart");
      controller.enqueue({ type: "tool-call-delta", toolIndex, argumentsDelta: delta.toolUse.input });
    }
  }

  private fail(controller: Controller, message: string): void {
    this.failed = true;
    controller.enqueue({ type: "error", error: { kind: "upstream", provider: "bedrock", status: 502, message } });
  }
}

export function parseStream(): TransformStream<SseEvent, StreamEvent> {
  const state = new ConverseStreamState();
  // Every event leaves through the forced-JSON-tool unwrapper (response-format.ts): that call's input becomes text.
  const unwrap = createForcedToolUnwrapper();
  let output: Controller | undefined;
  const through = (controller: TransformStreamDefaultController<StreamEvent>): Controller =>
    (output ??= {
      enqueue: (event: StreamEvent) => {
        const emitted = unwrap(event);
        if (emitted) controller.enqueue(emitted);
      },
    });
  return new TransformStream<SseEvent, StreamEvent>({
    transform: (event, controller) => state.accept(event, through(controller)),
    flush: (controller) => state.finish(through(controller)),
  });
}
