import type { EventReader } from "../../stream/run-stream";
import { StreamTally } from "../../stream/stream-tally";
import { eventOfRead, readFailure } from "../../stream/read-outcome";
import type { FinishReason, ProviderId, StreamEvent } from "../../types";
import type { CallConsumption } from "./sum-usage";

/** One upstream stream of a fanned-out request: its choices are the merged stream's offset..offset+choices-1. */
export interface Lane {
  reader: EventReader;
  /** The stream's first event, already read before the response was committed. */
  first: StreamEvent;
  offset: number;
  choices: number;
}

interface LaneState extends Lane {
  tally: StreamTally;
  finish?: Extract<StreamEvent, { type: "finish" }>;
  pending?: Promise<LaneRead>;
}

type LaneRead = { lane: LaneState; result: ReadableStreamReadResult<StreamEvent> } | { lane: LaneState; thrown: unknown };

/**
 * Interleaves n normalized streams into one, in the order their events arrive: each event's choice index is moved to
 * its lane's offset, each lane's `finish` is held back, and the merged stream ends with one `finish` (every lane's
 * finish reasons in lane order) once all lanes finished, or with the first `error` any lane hits (a cut, a timeout, an
 * in-stream error): never a finish after an error. No provider names: the caller passes the id for cut streams.
 */
export class LaneMerger {
  private readonly lanes: LaneState[];
  private readonly ready: StreamEvent[] = [];

  constructor(lanes: readonly Lane[], private readonly provider: ProviderId) {
    this.lanes = lanes.map((lane) => ({ ...lane, tally: new StreamTally() }));
    for (const lane of this.lanes) {
      const event = this.accept(lane, lane.first);
      if (event) this.ready.push(event);
    }
  }

  /** The next merged event; after a `finish` or an `error` the merged stream is over. */
  async next(): Promise<StreamEvent> {
    for (;;) {
      const ready = this.ready.shift();
      if (ready) return ready;
      const open = this.lanes.filter((lane) => !lane.finish);
      if (open.length === 0) return this.finish();
      const read = await Promise.race(open.map((lane) => (lane.pending ??= readLane(lane))));
      read.lane.pending = undefined;
      const event = this.accept(read.lane, this.eventOf(read));
      if (event) return event;
    }
  }

  /** Stops every lane still streaming (a sibling failed, or the client left). */
  cancel(): void {
    for (const lane of this.lanes) if (!lane.finish) lane.reader.cancel().catch(() => {});
  }

  /** What each lane consumed so far, for the ledger: usage it reported (on finish) and the text it produced. */
  consumption(): CallConsumption[] {
    return this.lanes.map((lane) => ({ reported: lane.tally.usage, producedText: lane.tally.producedText }));
  }

  private accept(lane: LaneState, event: StreamEvent): StreamEvent | undefined {
    lane.tally.observe(event);
    switch (event.type) {
      case "finish":
        lane.finish = event;
        return undefined;
      case "error":
        return event;
      default:
        return { ...event, choice: (event.choice ?? 0) + lane.offset };
    }
  }

  private eventOf(read: LaneRead): StreamEvent {
    return "thrown" in read ? { type: "error", error: readFailure(read.thrown, this.provider) } : eventOfRead(read.result, this.provider);
  }

  private finish(): StreamEvent {
    const finishReasons: FinishReason[] = this.lanes.flatMap((lane) => Array.from({ length: lane.choices }, (_, index) => lane.finish!.finishReasons[index] ?? "stop"));
    return { type: "finish", finishReasons };
  }
}

function readLane(lane: LaneState): Promise<LaneRead> {
  return lane.reader.read().then(
    (result) => ({ lane, result }),
    (thrown: unknown) => ({ lane, thrown }),
  );
}
