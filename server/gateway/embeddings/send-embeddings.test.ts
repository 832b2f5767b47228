import { describe, expect, test } from "vitest";
import type { EmbeddingsAdapter } from "@/server/providers/embeddings";
import { makeKey, makeModel } from "../__tests__/harness";
import { createStaticConfigSource } from "../config/config-source";
import type { GatewayDeps } from "../deps";
import { newRecord } from "../ledger";
import type { UpstreamClient } from "../upstream";
import { MAX_CONCURRENT_CALLS, sendEmbeddingsCalls, type EmbeddingsCall } from "./send-embeddings";

/** An adapter whose calls carry their input text as the body; vectors are [index]; usage 2 tokens per call. */
const adapter: EmbeddingsAdapter = {
  id: "bedrock",
  buildEmbeddingsRequest: () => ({ ok: false, error: { kind: "internal" } }),
  parseEmbeddingsResponse: (body) => ({ ok: true, value: { embeddings: [[(body as { index: number }).index]], usage: { inputTokens: 2 } } }),
  parseError: (status) => ({ kind: "upstream", provider: "bedrock", status, message: "refused" }),
};

/** An in-memory upstream that answers after a tick and tracks how many calls are in flight. */
function countingUpstream(failing: Set<number>) {
  const state = { inFlight: 0, peak: 0, sent: 0 };
  const upstream: UpstreamClient = {
    async send(request) {
      state.inFlight += 1;
      state.sent += 1;
      state.peak = Math.max(state.peak, state.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      state.inFlight -= 1;
      const index = Number(request.body);
      const status = failing.has(index) ? 400 : 200;
      const text = JSON.stringify({ index });
      return { ok: true, value: { status, headers: new Headers(), text: async () => text, chunks: async function* () {}, stream: () => new ReadableStream(), discard: () => {} } };
    },
    close: async () => {},
  };
  return { upstream, state };
}

function setup(count: number, failing = new Set<number>()) {
  const { upstream, state } = countingUpstream(failing);
  const key = makeKey().entry;
  const deps: GatewayDeps = {
    config: createStaticConfigSource({ keys: [key], models: [] }),
    usage: { record: () => {} },
    upstream,
    adapters: {},
    options: { maxRetries: 0, maxRetryAfterMs: 0, firstTokenTimeoutMs: 1000, totalTimeoutMs: 10_000, logPrompts: false },
  };
  const record = newRecord("req_test", key, "/v1/embeddings");
  record.model = makeModel("titan", "bedrock", "http://127.0.0.1:9", "A:B", "amazon.titan-embed-text-v2:0");
  const calls: EmbeddingsCall[] = Array.from({ length: count }, (_, index) => ({
    request: { model: "titan", input: [`text ${index}`] },
    upstreamRequest: { url: "http://127.0.0.1:9/model/x/invoke", headers: {}, body: String(index), warnings: [] },
  }));
  return { deps, record, calls, state };
}

describe("sendEmbeddingsCalls", () => {
  test(`${3 * MAX_CONCURRENT_CALLS} calls: at most ${MAX_CONCURRENT_CALLS} in flight, vectors in input order, tokens summed`, async () => {
    const { deps, record, calls, state } = setup(3 * MAX_CONCURRENT_CALLS);
    const sent = await sendEmbeddingsCalls(deps, record, adapter, calls, new AbortController().signal);
    expect(state.peak).toBe(MAX_CONCURRENT_CALLS);
    expect(sent).toEqual({ ok: true, value: { embeddings: calls.map((_, index) => [index]) }, tokens: { inputTokens: 2 * calls.length, estimated: false } });
    expect(record.attempts).toBe(calls.length);
  });

  test("a failure stops new calls; the calls that succeeded are counted", async () => {
    const { deps, record, calls, state } = setup(40, new Set([0]));
    const sent = await sendEmbeddingsCalls(deps, record, adapter, calls, new AbortController().signal);
    expect(sent.ok).toBe(false);
    expect(state.sent).toBe(MAX_CONCURRENT_CALLS);
    expect(sent.tokens).toEqual({ inputTokens: 2 * (MAX_CONCURRENT_CALLS - 1), estimated: false });
  });
});
