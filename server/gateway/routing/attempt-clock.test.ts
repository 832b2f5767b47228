import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { UpstreamClient } from "../upstream";
import { attemptTimeoutError, startAttemptClock, upstreamOverrides, withTimeouts } from "./attempt-clock";

describe("startAttemptClock", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  test("first_token_ms aborts an attempt that has not produced its first event, and says so", () => {
    const abort = vi.fn();
    const clock = startAttemptClock({ first_token_ms: 300, total_ms: 1000 }, abort);
    vi.advanceTimersByTime(299);
    expect(abort).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(abort).toHaveBeenCalledTimes(1);
    expect(clock.expired).toBe("first_token");
  });

  test("past the first token only total_ms runs; stop() ends it", () => {
    const abort = vi.fn();
    const clock = startAttemptClock({ first_token_ms: 300, total_ms: 1000 }, abort);
    vi.advanceTimersByTime(200);
    clock.passedFirstToken();
    vi.advanceTimersByTime(500);
    expect(abort).not.toHaveBeenCalled();
    vi.advanceTimersByTime(300);
    expect(clock.expired).toBe("total");
    const stopped = startAttemptClock({ total_ms: 100 }, abort);
    stopped.stop();
    vi.advanceTimersByTime(1000);
    expect(stopped.expired).toBeUndefined();
    expect(abort).toHaveBeenCalledTimes(1);
  });

  test("each attempt has its own clock: a second one started late is not cut by the first one's", () => {
    const first = vi.fn();
    const second = vi.fn();
    startAttemptClock({ total_ms: 600 }, first);
    vi.advanceTimersByTime(600);
    const clock = startAttemptClock({ total_ms: 600 }, second);
    vi.advanceTimersByTime(599);
    expect([first.mock.calls.length, second.mock.calls.length, clock.expired]).toEqual([1, 0, undefined]);
  });

  test("no limits: no timers, nothing ever expires", () => {
    const abort = vi.fn();
    const clock = startAttemptClock({}, abort);
    vi.advanceTimersByTime(10 * 60_000);
    expect([abort.mock.calls.length, clock.expired]).toEqual([0, undefined]);
  });
});

describe("timeout errors and upstream overrides", () => {
  test("a group's total is a per-attempt timeout (transient in routing), first_token stays the plain phase", () => {
    expect(attemptTimeoutError("total")).toEqual({ kind: "timeout", phase: "total", scope: "attempt" });
    expect(attemptTimeoutError("first_token")).toEqual({ kind: "timeout", phase: "first_token" });
  });

  test("connect_ms and idle_ms reach every request the group's client sends; unset fields are left out", async () => {
    expect(upstreamOverrides({})).toBeUndefined();
    expect(upstreamOverrides({ idle_ms: 300 })).toEqual({ idleMs: 300 });
    const seen: unknown[] = [];
    const client: UpstreamClient = { send: async (_upstream, options) => (seen.push(options.timeouts), { ok: false, error: { kind: "internal" } }), close: async () => {} };
    expect(withTimeouts(client, undefined)).toBe(client);
    const wrapped = withTimeouts(client, upstreamOverrides({ connect_ms: 250, idle_ms: 300, total_ms: 900 }));
    await wrapped.send({ url: "http://x", headers: {}, body: "", warnings: [] }, { provider: "openai", trusted: true, signal: new AbortController().signal });
    expect(seen).toEqual([{ connectMs: 250, idleMs: 300 }]);
  });
});
