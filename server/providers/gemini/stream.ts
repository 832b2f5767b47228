/**
 * streamGenerateContent?alt=sse → normalized stream events.
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 *
 * Every SSE `data:` line is a whole GenerateContentResponse chunk (no event names, no [DONE]).
 * The stream's end marker is a chunk whose candidate carries a finishReason (with n > 1: every
 * candidate seen has one); a prompt blocked up front (promptFeedback.blockReason) also ends it.
 * usageMetadata rides on the chunks, the last one wins. Function calls arrive whole, so each becomes
 * one tool-call-delta. An `{"error": {...}}` chunk is an in-stream failure.
 */
import { defineStreamParser, type StepController, type StreamParser } from "@/server/gateway/stream/stream-parser";
import type { FinishReason, SseEvent, StreamEvent, Usage } from "@/server/gateway/types";
import { googleErrorSchema, statusFromName, toUpstreamError } from "./errors";
import { createToolCallId, generateContentResponseSchema, isFinished, mapFinishReason, mapUsage, type GeminiCandidate, type GeminiResponse } from "./wire";

type Controller = StepController<StreamEvent>;

class GeminiStreamState {
  private failed = false;
  private usage: Usage | undefined;
  private readonly seen = new Set<number>();
  private readonly finishes = new Map<number, FinishReason>();
  private readonly toolCounts = new Map<number, number>();

  accept(event: SseEvent, controller: Controller): void {
    if (this.failed) return;
    if (event.event !== undefined && event.event !== "message") return;
    const data = event.data.trim();
    if (data === "") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.fail(controller);
    }
    if (typeof json === "object" && json !== null && "error" in json) return this.failUpstream(json.error, controller);
    const parsed = generateContentResponseSchema.safeParse(json);
    if (!parsed.success) return this.fail(controller);
    this.acceptChunk(parsed.data, controller);
  }

  finish(controller: Controller): void {
    if (this.failed) return;
    if (!this.hasEnded()) {
      controller.enqueue({ type: "error", error: { kind: "stream_cut", provider: "gemini" } });
      return;
    }
    const count = Math.max(...this.seen) + 1;
    const finishReasons = Array.from({ length: count }, (_, index) => this.finishes.get(index) ?? "stop");
    controller.enqueue(this.usage ? { type: "finish", finishReasons, usage: this.usage } : { type: "finish", finishReasons });
  }

  private hasEnded(): boolean {
    return this.finishes.size > 0 && [...this.seen].every((index) => this.finishes.has(index));
  }

  private acceptChunk(chunk: GeminiResponse, controller: Controller): void {
    const candidates = chunk.candidates ?? [];
    for (const candidate of candidates) this.acceptCandidate(candidate, controller);
    if (candidates.length === 0 && chunk.promptFeedback?.blockReason) {
      this.seen.add(0);
      this.finishes.set(0, "content_filter");
    }
    if (chunk.usageMetadata) this.usage = mapUsage(chunk.usageMetadata);
  }

  private acceptCandidate(candidate: GeminiCandidate, controller: Controller): void {
    const index = candidate.index ?? 0;
    const choice = index === 0 ? {} : { choice: index };
    this.seen.add(index);
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall) {
        const toolIndex = this.toolCounts.get(index) ?? 0;
        this.toolCounts.set(index, toolIndex + 1);
        const { id, name, args } = part.functionCall;
        controller.enqueue({ type: "tool-call-delta", ...choice, toolIndex, id: createToolCallId(toolIndex, id), name, argumentsDelta: JSON.stringify(args ?? {}) });
      } else if (part.text) {
        controller.enqueue({ type: part.thought ? "reasoning-delta" : "text-delta", ...choice, text: part.text });
      }
    }
    if (isFinished(candidate.finishReason)) {
      this.finishes.set(index, mapFinishReason(candidate.finishReason, (this.toolCounts.get(index) ?? 0) > 0));
    }
  }

  private fail(controller: Controller): void {
    this.failed = true;
    controller.enqueue({ type: "error", error: { kind: "upstream", provider: "gemini", status: 502, message: "malformed stream chunk" } });
  }

  private failUpstream(error: unknown, controller: Controller): void {
    const parsed = googleErrorSchema.safeParse(error);
    if (!parsed.success) return this.fail(controller);
    this.failed = true;
    const status = parsed.data.code ?? statusFromName(parsed.data.status) ?? 500;
    controller.enqueue({ type: "error", error: toUpstreamError(parsed.data, status) });
  }
}

export function parseStream(): StreamParser<SseEvent, StreamEvent> {
  const state = new GeminiStreamState();
  return defineStreamParser<SseEvent, StreamEvent>({
    transform: (event, controller) => state.accept(event, controller),
    flush: (controller) => state.finish(controller),
  });
}
