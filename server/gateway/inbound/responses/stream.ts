import type { OutboundFrame } from "../../contract";
import { replayableReasoning, type ReasoningBlock } from "@/server/gateway/reasoning-replay";
import type { ChatChoice, ChatToolCall, StreamEvent, Usage } from "../../types";
import type { StreamEncoder } from "../inbound-format";
import { functionCallItem, itemId, messageItem, outputText, reasoningItem, redactedItem, responseObject, statusFor, toResponsesError, type ResponseMeta } from "./response";

type Item =
  | { kind: "message"; id: string; index: number; text: string; done: boolean }
  | { kind: "reasoning"; id: string; index: number; text: string; signature?: string; done: boolean }
  | { kind: "redacted"; id: string; index: number; data: string; done: boolean }
  | { kind: "function_call"; id: string; index: number; call: ChatToolCall; done: boolean };
type ReasoningItem = Extract<Item, { kind: "reasoning" }>;

/**
 * Normalized stream events → Responses API SSE events, in the documented order:
 * response.created, response.in_progress, then per output item output_item.added,
 * content_part.added, output_text.delta… / function_call_arguments.delta…, the matching .done
 * events and output_item.done, then response.completed (or response.incomplete) with usage.
 * A failure ends with `error` and `response.failed`, never a completed.
 * Reference: https://platform.openai.com/docs/api-reference/responses-streaming
 * Only choice 0 is encoded: the Responses API has no `n`.
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private readonly items: Item[] = [];
  private open: Item | undefined;
  private readonly tools = new Map<number, Extract<Item, { kind: "function_call" }>>();
  /** Reasoning items and redacted blocks in order (redacted ones are items only with encrypted_content included). */
  private readonly reasoningLog: (ReasoningItem | { kind: "redacted"; data: string })[] = [];

  /** `onAnswer` receives the finished answer (for storing the conversation). */
  constructor(
    private readonly meta: ResponseMeta,
    private readonly onAnswer?: (choice: ChatChoice) => void,
  ) {}

  encode(event: StreamEvent, usage?: Usage): OutboundFrame[] {
    const frames: OutboundFrame[] = [];
    if (this.sequence === 0) {
      const response = responseObject(this.meta, { status: "in_progress", output: [], usage: null });
      frames.push(this.frame("response.created", { response }), this.frame("response.in_progress", { response }));
    }
    if ("choice" in event && (event.choice ?? 0) !== 0) return frames;
    switch (event.type) {
      case "text-delta":
      case "reasoning-delta": {
        const kind = event.type === "text-delta" ? "message" : "reasoning";
        const item = this.open && this.open.kind === kind ? this.open : this.openItem(frames, kind);
        item.text += event.text;
        const type = kind === "message" ? "response.output_text.delta" : "response.reasoning_text.delta";
        frames.push(this.frame(type, { item_id: item.id, output_index: item.index, content_index: 0, delta: event.text, ...(kind === "message" ? { logprobs: [] } : {}) }));
        return frames;
      }
      case "reasoning-signature": {
        // The signature ends its reasoning block: later reasoning opens a new item.
        const item = this.open?.kind === "reasoning" ? this.open : (this.openItem(frames, "reasoning") as ReasoningItem);
        item.signature = event.signature;
        this.closeOpen(frames);
        return frames;
      }
      case "redacted-reasoning": {
        this.reasoningLog.push({ kind: "redacted", data: event.data });
        if (this.meta.includeEncryptedReasoning !== true) return frames;
        this.closeOpen(frames);
        const index = this.items.length;
        const item: Item = { kind: "redacted", id: itemId("rs", this.meta, index), index, data: event.data, done: true };
        this.items.push(item);
        frames.push(this.frame("response.output_item.added", { output_index: index, item: this.doneItem(item) }));
        frames.push(this.frame("response.output_item.done", { output_index: index, item: this.doneItem(item) }));
        return frames;
      }
      case "tool-call-delta": {
        let item = this.tools.get(event.toolIndex);
        if (!item) {
          this.closeOpen(frames);
          const index = this.items.length;
          item = { kind: "function_call", id: itemId("fc", this.meta, index), index, call: { id: event.id ?? `call_${this.meta.id.slice(5)}_${event.toolIndex}`, name: event.name ?? "", arguments: "" }, done: false };
          this.items.push(item);
          this.tools.set(event.toolIndex, item);
          frames.push(this.frame("response.output_item.added", { output_index: index, item: functionCallItem(item.id, item.call, "in_progress") }));
        }
        item.call.arguments += event.argumentsDelta;
        if (event.argumentsDelta) frames.push(this.frame("response.function_call_arguments.delta", { item_id: item.id, output_index: item.index, delta: event.argumentsDelta }));
        return frames;
      }
      case "finish": {
        for (const item of this.items) this.closeItem(frames, item);
        const finishReason = event.finishReasons[0] ?? "stop";
        const state = statusFor(finishReason);
        const response = responseObject(this.meta, { ...state, output: this.items.map((item) => this.doneItem(item)), usage: usage ?? event.usage ?? { inputTokens: 0, outputTokens: 0 } });
        frames.push(this.frame(state.status === "completed" ? "response.completed" : "response.incomplete", { response }));
        this.onAnswer?.(this.toChoice(finishReason));
        return frames;
      }
      case "error": {
        const { body } = toResponsesError(event.error);
        const error = { code: body.error.code ?? "server_error", message: body.error.message };
        frames.push(this.frame("error", { ...error, param: body.error.param }));
        frames.push(this.frame("response.failed", { response: responseObject(this.meta, { status: "failed", output: this.items.map((item) => this.doneItem(item)), usage: null, error }) }));
        return frames;
      }
    }
  }

  private openItem(frames: OutboundFrame[], kind: "message" | "reasoning"): Extract<Item, { text: string }> {
    this.closeOpen(frames);
    const index = this.items.length;
    const item: Extract<Item, { text: string }> = { kind, id: itemId(kind === "message" ? "msg" : "rs", this.meta, index), index, text: "", done: false };
    this.items.push(item);
    if (item.kind === "reasoning") this.reasoningLog.push(item);
    this.open = item;
    const added = kind === "message" ? messageItem(item.id, "", "in_progress") : { id: item.id, type: "reasoning", summary: [], content: [] };
    frames.push(this.frame("response.output_item.added", { output_index: index, item: added }));
    const part = kind === "message" ? outputText("") : { type: "reasoning_text", text: "" };
    frames.push(this.frame("response.content_part.added", { item_id: item.id, output_index: index, content_index: 0, part }));
    return item;
  }

  private closeOpen(frames: OutboundFrame[]): void {
    if (this.open) this.closeItem(frames, this.open);
    this.open = undefined;
  }

  private closeItem(frames: OutboundFrame[], item: Item): void {
    if (item.done) return;
    item.done = true;
    const at = { item_id: item.id, output_index: item.index };
    if (item.kind === "redacted") return;
    if (item.kind === "function_call") {
      frames.push(this.frame("response.function_call_arguments.done", { ...at, name: item.call.name, arguments: item.call.arguments }));
    } else if (item.kind === "message") {
      frames.push(this.frame("response.output_text.done", { ...at, content_index: 0, text: item.text, logprobs: [] }));
      frames.push(this.frame("response.content_part.done", { ...at, content_index: 0, part: outputText(item.text) }));
    } else {
      frames.push(this.frame("response.reasoning_text.done", { ...at, content_index: 0, text: item.text }));
      frames.push(this.frame("response.content_part.done", { ...at, content_index: 0, part: { type: "reasoning_text", text: item.text } }));
    }
    frames.push(this.frame("response.output_item.done", { output_index: item.index, item: this.doneItem(item) }));
  }

  private doneItem(item: Item): Record<string, unknown> {
    switch (item.kind) {
      case "function_call":
        return functionCallItem(item.id, item.call, item.done ? "completed" : "incomplete");
      case "message":
        return messageItem(item.id, item.text, item.done ? "completed" : "incomplete");
      case "redacted":
        return redactedItem(item.id, item.data);
      case "reasoning":
        return reasoningItem(item.id, item.text, this.meta.includeEncryptedReasoning === true ? item.signature : undefined);
    }
  }

  private toChoice(finishReason: ChatChoice["finishReason"]): ChatChoice {
    const text = this.items.flatMap((item) => (item.kind === "message" ? [item.text] : [])).join("");
    const reasoning = this.items.flatMap((item) => (item.kind === "reasoning" ? [item.text] : [])).join("");
    const toolCalls = this.items.flatMap((item) => (item.kind === "function_call" ? [item.call] : []));
    const blocks = this.reasoningLog.map((entry): ReasoningBlock => (entry.kind === "redacted" ? { type: "redacted_thinking", data: entry.data } : { type: "thinking", thinking: entry.text, signature: entry.signature }));
    return { index: 0, text: text || null, ...(reasoning ? { reasoning } : {}), ...replayableReasoning(blocks), ...(toolCalls.length > 0 ? { toolCalls } : {}), finishReason };
  }

  private frame(type: string, fields: Record<string, unknown>): OutboundFrame {
    return { type: "event", event: type, data: { type, sequence_number: this.sequence++, ...fields } };
  }
}
