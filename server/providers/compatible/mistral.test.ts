/**
 * Mistral's own quirks beyond the param table (compatible.test.ts has those): no stream_options, usage read from the
 * last stream chunk.
 * Fixtures: mistral-text.sse and mistral-tool-call.sse follow Mistral's chunks (the tool call is the example of
 * https://docs.mistral.ai/capabilities/function_calling; usage beside the finish_reason in the last chunk,
 * https://github.com/mistralai/client-python/issues/40).
 */
import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { collect, fixtureSse } from "../test-utils";
import { mistral } from "./index";

const target: Target = { provider: "mistral", connectionId: "conn_1", baseUrl: "https://api.mistral.ai/v1", apiKey: "sk-test", upstreamModel: "mistral-small-latest", modelName: "mistral" };

function build(fields: Record<string, unknown>) {
  const upstream = mistral.buildRequest(chatRequestSchema.parse({ model: "mistral", messages: [{ role: "user", content: "Hi" }], ...fields }), target);
  return { ...upstream, json: JSON.parse(upstream.body) as Record<string, unknown> };
}

describe("mistral: stream usage", () => {
  test("a stream request carries no stream_options, with no warning", () => {
    const upstream = build({ stream: true, stream_options: { include_usage: true } });
    expect(upstream.json.stream).toBe(true);
    expect(upstream.json).not.toHaveProperty("stream_options");
    expect(upstream.warnings).toEqual([]);
  });

  test("usage in the last chunk, beside finish_reason, reaches the finish event", async () => {
    const events = await collect(fixtureSse("mistral-text").pipeThrough(mistral.parseStream()));
    expect(events.map((event) => (event.type === "text-delta" ? event.text : "")).join("")).toBe("Bonjour !");
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 12, outputTokens: 4 } });
  });

  test("a tool call in one chunk keeps Mistral's id; its usage is read", async () => {
    const events = await collect(fixtureSse("mistral-tool-call").pipeThrough(mistral.parseStream()));
    expect(events.filter((event) => event.type === "tool-call-delta")).toEqual([
      { type: "tool-call-delta", toolIndex: 0, id: "D681PevKs", name: "retrieve_payment_status", argumentsDelta: '{"transaction_id": "T1001"}' },
    ]);
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 167, outputTokens: 28 } });
  });

  test("a stream cut before [DONE] ends with stream_cut, not a finish", async () => {
    const events: StreamEvent[] = await collect(fixtureSse("mistral-text", { cutAfterBytes: 400 }).pipeThrough(mistral.parseStream()));
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "mistral" } });
  });
});
