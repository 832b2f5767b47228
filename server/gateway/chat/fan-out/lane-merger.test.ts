import { describe, expect, test } from "vitest";
import type { EventReader } from "../../stream/run-stream";
import type { StreamEvent } from "../../types";
import { LaneMerger, type Lane } from "./lane-merger";

/** A reader over `events` (after the first, which the lane carries); `end` says how it stops after them. */
function reader(events: StreamEvent[], end: "done" | "throw" = "done"): EventReader & { cancelled: boolean } {
  const queue = [...events];
  const state = {
    cancelled: false,
    async read(): Promise<ReadableStreamReadResult<StreamEvent>> {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const next = queue.shift();
      if (next) return { done: false, value: next };
      if (end === "throw") throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      return { done: true, value: undefined };
    },
    async cancel() {
      state.cancelled = true;
    },
  };
  return state;
}

const text = (value: string, choice?: number): StreamEvent => ({ type: "text-delta", text: value, ...(choice === undefined ? {} : { choice }) });
const finish = (inputTokens: number): StreamEvent => ({ type: "finish", finishReasons: ["stop"], usage: { inputTokens, outputTokens: 2 } });

function lanes(...readers: [StreamEvent, EventReader][]): Lane[] {
  return readers.map(([first, laneReader], index) => ({ first, reader: laneReader, offset: index, choices: 1 }));
}

async function drain(merger: LaneMerger): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for (;;) {
    const event = await merger.next();
    events.push(event);
    if (event.type === "finish" || event.type === "error") return events;
  }
}

describe("LaneMerger", () => {
  test("moves each lane's choices to its offset and ends with one finish after every lane finished", async () => {
    const merger = new LaneMerger(lanes([text("a"), reader([text("b"), finish(10)])], [text("x"), reader([text("y"), finish(10)])]), "anthropic");
    const events = await drain(merger);
    expect(events.filter((event) => event.type === "finish")).toEqual([{ type: "finish", finishReasons: ["stop", "stop"] }]);
    expect(events.at(-1)!.type).toBe("finish");
    // Events go out as they arrive, lane by lane: the two streams interleave.
    expect(events.flatMap((event) => (event.type === "text-delta" ? [event.text] : []))).toEqual(["a", "x", "b", "y"]);
    const byChoice = (choice: number) => events.flatMap((event) => (event.type === "text-delta" && event.choice === choice ? [event.text] : [])).join("");
    expect([byChoice(0), byChoice(1)]).toEqual(["ab", "xy"]);
    expect(merger.consumption()).toEqual([
      { reported: { inputTokens: 10, outputTokens: 2 }, producedText: "ab" },
      { reported: { inputTokens: 10, outputTokens: 2 }, producedText: "xy" },
    ]);
  });

  test("a lane of several choices keeps their order from its offset", async () => {
    const merger = new LaneMerger([{ first: text("p", 1), reader: reader([{ type: "finish", finishReasons: ["length", "stop"] }]), offset: 4, choices: 2 }], "qwen");
    expect(await drain(merger)).toEqual([{ type: "text-delta", text: "p", choice: 5 }, { type: "finish", finishReasons: ["length", "stop"] }]);
  });

  test.each([
    ["a lane that ends without its end marker", reader([text("b")]), { kind: "stream_cut", provider: "anthropic" }],
    ["a lane whose socket breaks", reader([text("b")], "throw"), { kind: "stream_cut", provider: "anthropic" }],
    ["a lane's in-stream error", reader([{ type: "error", error: { kind: "upstream", provider: "anthropic", status: 529, message: "Overloaded" } }]), { kind: "upstream", provider: "anthropic", status: 529, message: "Overloaded" }],
  ])("%s ends the merged stream with an error, never a finish", async (_name, broken, error) => {
    const healthy = reader([text("y"), text("z"), finish(10)]);
    const merger = new LaneMerger(lanes([text("a"), broken], [text("x"), healthy]), "anthropic");
    const events = await drain(merger);
    expect(events.at(-1)).toEqual({ type: "error", error });
    expect(events.some((event) => event.type === "finish")).toBe(false);
    merger.cancel();
    expect(healthy.cancelled).toBe(true);
  });
});
