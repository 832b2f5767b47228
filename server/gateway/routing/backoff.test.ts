import { describe, expect, test } from "vitest";
import { parseResetHeaders, retryDelay } from "./backoff";

const options = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
const serverError = { kind: "upstream", provider: "openai", status: 500, message: "x" } as const;

describe("retryDelay", () => {
  test.each([
    [0, 50],
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 500],
    [10, 500],
  ])("full jitter: retry %i with random 0.5 waits %i ms (half of min(max, base × 2^retry))", (retry, expected) => {
    expect(retryDelay(serverError, retry, options)).toEqual({ delayMs: expected, source: "backoff" });
  });

  test("the draw spans [0, cap): random 0 waits nothing, random just below 1 nearly the cap", () => {
    expect(retryDelay(serverError, 2, { ...options, random: () => 0 }).delayMs).toBe(0);
    expect(retryDelay(serverError, 2, { ...options, random: () => 0.999 }).delayMs).toBe(399);
  });

  test("a provider's Retry-After wins over backoff, also above the cap (the caller then gives up)", () => {
    expect(retryDelay({ ...serverError, status: 429, retryAfterMs: 1500 }, 0, options)).toEqual({ delayMs: 1500, source: "retry-after" });
    expect(retryDelay({ kind: "rate_limited", retryAfterMs: 20 }, 3, options)).toEqual({ delayMs: 20, source: "retry-after" });
  });
});

describe("parseResetHeaders", () => {
  const now = Date.parse("2026-12-07T12:00:00Z");
  test.each([
    [{ "x-ratelimit-reset-requests": "1s" }, 1000],
    [{ "x-ratelimit-reset-tokens": "6m0s" }, 360_000],
    [{ "x-ratelimit-reset-requests": "20ms" }, 20],
    [{ "x-ratelimit-reset-requests": "1m30.5s", "x-ratelimit-reset-tokens": "2s" }, 2000],
    [{ "anthropic-ratelimit-requests-reset": "2026-12-07T12:00:03Z" }, 3000],
    [{ "anthropic-ratelimit-tokens-reset": "2026-12-07T11:59:00Z" }, 0],
    [{ "x-ratelimit-reset-requests": "soon" }, undefined],
    [{}, undefined],
  ])("%j → %s ms", (headers, expected) => {
    expect(parseResetHeaders(new Headers(headers as Record<string, string>), now)).toBe(expected);
  });
});
