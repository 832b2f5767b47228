import { describe, expect, test } from "vitest";
import type { GatewayError, Result } from "../types";
import type { UpstreamClient, UpstreamResponse } from "../upstream";
import { isBilledAttempt, meteredUpstream, type AttemptMeter } from "./attempt-rows";

const response = (status: number) => ({ status }) as UpstreamResponse;
const clientAnswering = (...answers: Result<UpstreamResponse>[]): UpstreamClient => ({ send: async () => answers.shift()!, close: async () => {} });
const request = { url: "http://x", headers: {}, body: "", warnings: [] };
const options = { provider: "openai" as const, trusted: true, signal: new AbortController().signal };
const failed = (error: GatewayError): Result<UpstreamResponse> => ({ ok: false, error });

describe("isBilledAttempt", () => {
  const cases: [string, Result<UpstreamResponse>[], boolean][] = [
    ["accepted (2xx), whatever followed", [{ ok: true, value: response(200) }], true],
    ["an error status: the provider refused the work", [{ ok: true, value: response(500) }], false],
    ["a 429", [{ ok: true, value: response(429) }], false],
    ["no headers before undici's first-token timeout: the provider had it", [failed({ kind: "timeout", phase: "first_token" })], true],
    ["aborted by the group's clock while waiting for headers", [failed({ kind: "timeout", phase: "total" })], true],
    ["a connect timeout", [failed({ kind: "timeout", phase: "connect" })], false],
    ["a network error", [failed({ kind: "upstream", provider: "openai", status: 502, message: "could not reach the provider (ECONNREFUSED)" })], false],
    ["a credential exchange that worked, then the attempt's own send refused at connect", [{ ok: true, value: response(200) }, failed({ kind: "timeout", phase: "connect" })], false],
  ];
  test.each(cases)("%s → %s", async (_label, answers, billed) => {
    const meter: AttemptMeter = { sent: false };
    const client = meteredUpstream(clientAnswering(...answers), meter);
    for (let index = 0; index < answers.length; index++) await client.send(request, options);
    expect(isBilledAttempt(meter)).toBe(billed);
  });

  test("never sent (an open circuit, a request the adapter rejected): no row", () => {
    expect(isBilledAttempt({ sent: false })).toBe(false);
  });
});
