import { describe, expect, it } from "vitest";
import { createRequestSignal, linkedController } from "./request-signal";

describe("request signals", () => {
  it("a request signal aborts with the client's reason, or as a TimeoutError at the total timeout", async () => {
    const client = new AbortController();
    const { signal, dispose } = createRequestSignal(client.signal, 60_000);
    client.abort(new Error("left"));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe("left");
    dispose();
    const timed = createRequestSignal(new AbortController().signal, 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(timed.signal.aborted).toBe(true);
    expect((timed.signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("a linked controller aborts with its parent, on its own without the parent, and not after unlink", () => {
    const parent = new AbortController();
    const first = linkedController(parent.signal);
    const second = linkedController(parent.signal);
    second.controller.abort();
    expect(second.controller.signal.aborted).toBe(true);
    expect(parent.signal.aborted).toBe(false);
    const unlinked = linkedController(parent.signal);
    unlinked.unlink();
    parent.abort(new Error("client left"));
    expect(first.controller.signal.aborted).toBe(true);
    expect((first.controller.signal.reason as Error).message).toBe("client left");
    expect(unlinked.controller.signal.aborted).toBe(false);
    // A parent already aborted: born aborted, with its reason.
    const late = linkedController(parent.signal);
    expect(late.controller.signal.aborted).toBe(true);
    expect((late.controller.signal.reason as Error).message).toBe("client left");
  });
});
