import type { OutboundFrame } from "../../contract";
import type { StreamEvent, Usage } from "../../types";
import type { StreamEncoder } from "../inbound-format";
import { toAnthropicError } from "./errors";
import { toAnthropicUsage, toStopReason } from "./response";

type OpenBlock = { kind: "text" } | { kind: "thinking" } | { kind: "tool_use"; toolIndex: number };

/**
 * Normalized stream events → Anthropic Messages SSE events, in the documented order:
 * message_start, then per content block content_block_start / content_block_delta… /
 * content_block_stop, then message_delta (stop_reason, usage) and message_stop. A failure ends
 * the stream with `event: error` and no message_stop, so a cut stream never looks complete.
 * Reference: https://docs.claude.com/en/docs/build-with-claude/streaming
 * and https://platform.claude.com/docs/en/build-with-claude/extended-thinking#streaming-thinking (signature_delta).
 * Only choice 0 is encoded: the Messages API has no `n`.
 */
export class MessagesStreamEncoder implements StreamEncoder {
  private started = false;
  private blockCount = 0;
  private open: OpenBlock | undefined;
  /** Tool index → content block index, for deltas that arrive after their block was closed. */
  private readonly toolBlocks = new Map<number, number>();

  constructor(private readonly meta: { id: string; model: string }) {}

  encode(event: StreamEvent, usage?: Usage): OutboundFrame[] {
    if (event.type === "error") return [{ type: "event", event: "error", data: toAnthropicError(event.error).body }];
    const frames: OutboundFrame[] = [];
    if (!this.started) {
      this.started = true;
      const message = { id: this.meta.id, type: "message", role: "assistant", model: this.meta.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
      frames.push(sse("message_start", { message }));
    }
    if ("choice" in event && (event.choice ?? 0) !== 0) return frames;
    switch (event.type) {
      case "text-delta":
        this.ensureBlock(frames, { kind: "text" }, { type: "text", text: "" });
        frames.push(sse("content_block_delta", { index: this.blockCount - 1, delta: { type: "text_delta", text: event.text } }));
        return frames;
      case "reasoning-delta":
        this.ensureBlock(frames, { kind: "thinking" }, { type: "thinking", thinking: "", signature: "" });
        frames.push(sse("content_block_delta", { index: this.blockCount - 1, delta: { type: "thinking_delta", thinking: event.text } }));
        return frames;
      case "reasoning-signature":
        // Anthropic's order: the thinking block's one signature_delta, then its content_block_stop.
        this.ensureBlock(frames, { kind: "thinking" }, { type: "thinking", thinking: "", signature: "" });
        frames.push(sse("content_block_delta", { index: this.blockCount - 1, delta: { type: "signature_delta", signature: event.signature } }));
        this.closeBlock(frames);
        return frames;
      case "redacted-reasoning":
        // A redacted_thinking block arrives whole in its content_block_start, with no deltas.
        this.closeBlock(frames);
        frames.push(sse("content_block_start", { index: this.blockCount, content_block: { type: "redacted_thinking", data: event.data } }));
        frames.push(sse("content_block_stop", { index: this.blockCount }));
        this.blockCount += 1;
        return frames;
      case "tool-call-delta": {
        let index = this.toolBlocks.get(event.toolIndex);
        if (index === undefined) {
          const id = event.id ?? `toolu_${this.meta.id.slice(4)}_${event.toolIndex}`;
          this.ensureBlock(frames, { kind: "tool_use", toolIndex: event.toolIndex }, { type: "tool_use", id, name: event.name ?? "", input: {} });
          index = this.blockCount - 1;
          this.toolBlocks.set(event.toolIndex, index);
        }
        if (event.argumentsDelta) frames.push(sse("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: event.argumentsDelta } }));
        return frames;
      }
      case "finish":
        this.closeBlock(frames);
        frames.push(sse("message_delta", { delta: { stop_reason: toStopReason(event.finishReasons[0] ?? "stop"), stop_sequence: null }, usage: toAnthropicUsage(usage ?? event.usage ?? { inputTokens: 0, outputTokens: 0 }) }));
        frames.push(sse("message_stop", {}));
        return frames;
    }
  }

  /** Opens a block of this kind unless one is open already (a new tool call always opens a new block). */
  private ensureBlock(frames: OutboundFrame[], block: OpenBlock, contentBlock: Record<string, unknown>): void {
    if (this.open?.kind === block.kind && block.kind !== "tool_use") return;
    this.closeBlock(frames);
    this.open = block;
    frames.push(sse("content_block_start", { index: this.blockCount, content_block: contentBlock }));
    this.blockCount += 1;
  }

  private closeBlock(frames: OutboundFrame[]): void {
    if (!this.open) return;
    frames.push(sse("content_block_stop", { index: this.blockCount - 1 }));
    this.open = undefined;
  }
}

function sse(event: string, fields: Record<string, unknown>): OutboundFrame {
  return { type: "event", event, data: { type: event, ...fields } };
}
