import type { OutboundFrame } from "../contract";
import { toOpenAIError } from "../errors";
import { toOpenAIUsage } from "../openai-format";
import type { StreamEvent, Usage } from "../types";

/**
 * Normalized stream events → OpenAI `chat.completion.chunk` frames. The role arrives on each
 * choice's first chunk; `finish` becomes one finish_reason chunk per choice, then (when the
 * caller asked with stream_options.include_usage) a usage chunk with empty choices, then [DONE].
 */
export class ChunkEncoder {
  private readonly started = new Set<number>();

  constructor(private readonly meta: { id: string; model: string; created: number; includeUsage: boolean }) {}

  private chunk(choices: unknown[], usage?: Usage): OutboundFrame {
    const data: Record<string, unknown> = { id: this.meta.id, object: "chat.completion.chunk", created: this.meta.created, model: this.meta.model, choices };
    if (this.meta.includeUsage) data.usage = usage ? toOpenAIUsage(usage) : null;
    return { type: "data", data };
  }

  private delta(choice: number, delta: Record<string, unknown>): OutboundFrame {
    const first = !this.started.has(choice);
    this.started.add(choice);
    return this.chunk([{ index: choice, delta: first ? { role: "assistant", ...delta } : delta, logprobs: null, finish_reason: null }]);
  }

  /** `usage` is the final (possibly estimated) usage, used only for the finish event. */
  encode(event: StreamEvent, usage?: Usage): OutboundFrame[] {
    switch (event.type) {
      case "text-delta":
        return [this.delta(event.choice ?? 0, { content: event.text })];
      case "reasoning-delta":
        return [this.delta(event.choice ?? 0, { reasoning_content: event.text })];
      case "reasoning-signature":
        return [this.delta(event.choice ?? 0, { reasoning_signature: event.signature })];
      case "redacted-reasoning":
        return [this.delta(event.choice ?? 0, { redacted_reasoning: [event.data] })];
      case "tool-call-delta": {
        const call: Record<string, unknown> = { index: event.toolIndex };
        if (event.id !== undefined) call.id = event.id;
        if (event.id !== undefined || event.name !== undefined) call.type = "function";
        call.function = { ...(event.name !== undefined ? { name: event.name } : {}), arguments: event.argumentsDelta };
        return [this.delta(event.choice ?? 0, { tool_calls: [call] })];
      }
      case "finish": {
        const frames = event.finishReasons.map((reason, index) => {
          this.started.add(index);
          return this.chunk([{ index, delta: {}, logprobs: null, finish_reason: reason }]);
        });
        if (this.meta.includeUsage && usage) frames.push(this.chunk([], usage));
        frames.push({ type: "done" });
        return frames;
      }
      case "error": {
        const mapped = toOpenAIError(event.error);
        return [{ type: "error", status: mapped.status, body: mapped.body }];
      }
    }
  }
}
