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
        if (event.usage) this.usage = event.usage;
        break;
    }
  }

  get producedText(): string {
    return this.parts.join("");
  }
}
