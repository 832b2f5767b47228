import type { ChatChoice, ChatResult, FinishReason, StreamEvent } from "../types";

interface ChoiceParts {
  text: string[];
  reasoning: string[];
  signature?: string;
  redacted: string[];
  tools: { id: string; name: string; arguments: string[] }[];
}

/**
 * A pass-through tap that rebuilds a streamed answer as the ChatResult a non-stream call would have returned, so the
 * cache stores one shape whatever the delivery. `result()` is only defined after a clean `finish`.
 */
export class AnswerCollector {
  private choices = new Map<number, ChoiceParts>();
  private finished: { finishReasons: FinishReason[] } | undefined;

  observe(event: StreamEvent): void {
    if (event.type === "finish") {
      this.finished = { finishReasons: event.finishReasons };
      return;
    }
    if (event.type === "error") return;
    const parts = this.partsOf(event.choice ?? 0);
    switch (event.type) {
      case "text-delta":
        parts.text.push(event.text);
        break;
      case "reasoning-delta":
        parts.reasoning.push(event.text);
        break;
      case "reasoning-signature":
        parts.signature = event.signature;
        break;
      case "redacted-reasoning":
        parts.redacted.push(event.data);
        break;
      case "tool-call-delta": {
        const call = (parts.tools[event.toolIndex] ??= { id: "", name: "", arguments: [] });
        if (event.id) call.id = event.id;
        if (event.name) call.name = event.name;
        call.arguments.push(event.argumentsDelta);
        break;
      }
    }
  }

  /** The answer, once finished; undefined for a stream that did not finish cleanly. */
  result(): ChatResult | undefined {
    if (!this.finished) return undefined;
    const { finishReasons } = this.finished;
    const count = Math.max(finishReasons.length, ...[...this.choices.keys()].map((index) => index + 1));
    const choices: ChatChoice[] = [];
    for (let index = 0; index < count; index++) {
      const parts = this.choices.get(index);
      const finishReason = finishReasons[index];
      if (!finishReason) return undefined;
      const choice: ChatChoice = { index, text: parts && parts.text.length > 0 ? parts.text.join("") : null, finishReason };
      if (parts?.reasoning.length) choice.reasoning = parts.reasoning.join("");
      if (parts?.signature) choice.reasoningSignature = parts.signature;
      if (parts?.redacted.length) choice.redactedReasoning = parts.redacted;
      const tools = parts?.tools.filter(Boolean) ?? [];
      if (tools.length > 0) choice.toolCalls = tools.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments.join("") }));
      choices.push(choice);
    }
    return { choices };
  }

  private partsOf(index: number): ChoiceParts {
    let parts = this.choices.get(index);
    if (!parts) {
      parts = { text: [], reasoning: [], redacted: [], tools: [] };
      this.choices.set(index, parts);
    }
    return parts;
  }
}
