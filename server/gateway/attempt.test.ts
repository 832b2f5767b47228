import { describe, expect, test } from "vitest";
import { backoffDelay, withAttempts } from "./attempt";
import type { GatewayError, Result } from "./types";

const fail = (error: GatewayError): Result<string> => ({ ok: false, error });
const upstream = (status: number, retryAfterMs?: number): GatewayError => ({ kind: "upstream", provider: "openai", status, message: "x", retryAfterMs });

function run(results: Result<string>[], maxRetries = 2, maxRetryAfterMs = 5000) {
  const sleeps: number[] = [];
  let calls = 0;
  const promise = withAttempts(async () => results[calls++], {
    maxRetries,
    maxRetryAfterMs,
    signal: new AbortController().signal,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return promise.then((result) => ({ result, calls, sleeps }));
}

describe("withAttempts", () => {
  test.each([
    ["retries a 503 then succeeds", [fail(upstream(503)), { ok: true, value: "a" } as Result<string>], 2, true, [125]],
    ["does not retry a 400", [fail(upstream(400))], 1, false, []],
    ["honours Retry-After", [fail(upstream(429, 1200)), { ok: true, value: "a" } as Result<string>], 2, true, [1200]],
    ["gives up when Retry-After is too long", [fail(upstream(429, 60_000))], 1, false, []],
    ["stops after maxRetries", [fail(upstream(500)), fail(upstream(500)), fail(upstream(500))], 3, false, [125, 250]],
    ["retries a connect timeout", [fail({ kind: "timeout", phase: "connect" }), { ok: true, value: "a" } as Result<string>], 2, true, [125]],
  ])("%s", async (_name, results, expectedCalls, ok, sleeps) => {
    const outcome = await run(results as Result<string>[]);
    expect(outcome.calls).toBe(expectedCalls);
    expect(outcome.result.ok).toBe(ok);
    expect(outcome.sleeps).toEqual(sleeps);
  });

  test("full jitter stays under the cap", () => {
    for (let retry = 0; retry < 5; retry++) expect(backoffDelay(upstream(500), retry, { random: () => 0.999 })).toBeLessThanOrEqual(250 * 2 ** retry);
  });
});
