import type { StreamEvent, Usage } from "../types";

/** A pass-through tap's memory: what a stream produced, for billing when it ends early. */
export class StreamTally {
  usage: Usage | undefined;
  private parts: string[] = [];

  observe(event: StreamEvent): void {
    switch (event.type) {
      case "text-delta":
      case "reasoning-delta":
        this.parts.push(event.text);
        break;
      case "tool-call-delta":
        this.parts.push((event.name ?? "") + event.argumentsDelta);
        break;
      case "finish":
        this.usage = event.usage;
        break;
      case "error":
        // Usage on an error event (routing/attempt-rows.ts bills it for an attempt cut before its first content) is
        // not taken here: after content, a provider's partial usage can lag the output produced (Anthropic reports
        // output tokens at the end), so a committed stream cut mid-way is estimated from what it produced, as before.
        break;
    }
  }

  get producedText(): string {
    return this.parts.join("");
  }
}
