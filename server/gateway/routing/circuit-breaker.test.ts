import { describe, expect, test } from "vitest";
import { CircuitBreaker } from "./circuit-breaker";

const settings = { failure_threshold: 3, error_rate: 0.5, min_requests: 6, cooldown_ms: 1000 };

describe("CircuitBreaker", () => {
  test("opens on consecutive failures, half-opens after the cooldown with exactly one probe, closes on its success", () => {
    const breaker = new CircuitBreaker(settings);
    expect(breaker.onFailure(0, "500")).toBeUndefined();
    expect(breaker.onFailure(1, "500")).toBeUndefined();
    expect(breaker.onFailure(2, "500")).toMatchObject({ from: "closed", to: "open", reason: "3 consecutive failures (last: 500)" });
    expect(breaker.allows(500).allowed).toBe(false);
    expect(breaker.allows(1002)).toMatchObject({ allowed: true, change: { from: "open", to: "half_open" } });
    expect(breaker.allows(1003).allowed).toBe(false);
    expect(breaker.onSuccess()).toMatchObject({ from: "half_open", to: "closed" });
    expect(breaker.allows(1004).allowed).toBe(true);
  });

  test("a failed probe opens it for another cooldown", () => {
    const breaker = new CircuitBreaker(settings);
    for (let at = 0; at < 3; at++) breaker.onFailure(at, "timeout");
    expect(breaker.allows(1002).allowed).toBe(true);
    expect(breaker.onFailure(1100, "timeout")).toMatchObject({ from: "half_open", to: "open" });
    expect(breaker.allows(2000).allowed).toBe(false);
    expect(breaker.allows(2100).allowed).toBe(true);
  });

  test("opens on the error rate over the window even without consecutive failures", () => {
    const breaker = new CircuitBreaker(settings);
    const outcomes = [true, false, true, false, true, false];
    const changes = outcomes.map((success, at) => (success ? breaker.onSuccess() : breaker.onFailure(at, "500")));
    expect(changes.slice(0, 5).every((change) => change === undefined)).toBe(true);
    expect(changes[5]).toMatchObject({ to: "open", reason: "error rate 50 % over the last 6 requests (last: 500)" });
  });

  test("successes reset the consecutive count", () => {
    const breaker = new CircuitBreaker({ ...settings, min_requests: 100 });
    for (let round = 0; round < 5; round++) {
      breaker.onFailure(round, "500");
      breaker.onFailure(round, "500");
      breaker.onSuccess();
    }
    expect(breaker.state).toBe("closed");
  });
});
