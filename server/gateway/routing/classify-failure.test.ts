import { describe, expect, test } from "vitest";
import type { GatewayError } from "../types";
import { classifyFailure, isCircuitFailure } from "./classify-failure";

const upstream = (status: number, code?: string): GatewayError => ({ kind: "upstream", provider: "openai", status, message: "x", ...(code ? { code } : {}) });

describe("classifyFailure", () => {
  const cases: [string, GatewayError, ReturnType<typeof classifyFailure>, boolean][] = [
    ["500", upstream(500), "transient", true],
    ["502", upstream(502), "transient", true],
    ["503", upstream(503), "transient", true],
    ["529 overloaded", upstream(529), "transient", true],
    ["408", upstream(408), "transient", true],
    ["409", upstream(409), "transient", true],
    ["429", upstream(429), "rate_limited", false],
    ["400 context_length_exceeded", upstream(400, "context_length_exceeded"), "context_overflow", false],
    ["gateway-side context_length_exceeded", { kind: "invalid_request", message: "x", code: "context_length_exceeded" }, "context_overflow", false],
    ["400 other", upstream(400, "invalid_value"), "final", false],
    ["422", upstream(422), "final", false],
    ["401 bad credential", upstream(401), "deployment_broken", true],
    ["403", upstream(403), "deployment_broken", true],
    ["404 unknown upstream model", upstream(404), "deployment_broken", true],
    ["connect timeout", { kind: "timeout", phase: "connect" }, "transient", true],
    ["first-token timeout", { kind: "timeout", phase: "first_token" }, "transient", true],
    ["idle timeout", { kind: "timeout", phase: "idle" }, "transient", true],
    ["total timeout", { kind: "timeout", phase: "total" }, "final", false],
    ["a group's per-attempt total_ms", { kind: "timeout", phase: "total", scope: "attempt" }, "transient", true],
    ["client body timeout", { kind: "timeout", phase: "client_body" }, "final", false],
    ["stream cut", { kind: "stream_cut", provider: "anthropic" }, "transient", true],
    ["invalid request", { kind: "invalid_request", message: "x" }, "final", false],
    ["budget", { kind: "budget_exceeded", message: "x" }, "final", false],
    ["gateway rate limit", { kind: "rate_limited" }, "final", false],
    ["policy", { kind: "forbidden", reason: "policy" }, "final", false],
    ["unavailable", { kind: "unavailable", message: "x" }, "final", false],
    ["internal", { kind: "internal" }, "final", false],
  ];
  test.each(cases)("%s → %s (circuit failure: %s)", (_name, error, expected, circuit) => {
    const failure = classifyFailure(error);
    expect(failure).toBe(expected);
    expect(isCircuitFailure(failure)).toBe(circuit);
  });
});
