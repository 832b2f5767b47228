import { describe, expect, test } from "vitest";
import type { WebSocket } from "ws";
import type { OutboundFrame } from "../contract";
import { parseClientMessage, sendResult } from "./websocket-messages";

describe("parseClientMessage", () => {
  test.each([
    ["binary", Buffer.from("{}"), true, { type: "invalid_frame", reason: "binary frames are not supported" }],
    ["not JSON", Buffer.from("nope"), false, { type: "invalid_frame", reason: "invalid JSON frame" }],
    ["cancel", Buffer.from('{"type":"cancel","id":"a"}'), false, { type: "cancel", id: "a" }],
    ["create", Buffer.from('{"type":"chat.completions.create","id":"b","request":{"model":"m"}}'), false, { type: "create", id: "b", request: { model: "m" } }],
  ])("%s", (_name, data, isBinary, expected) => {
    expect(parseClientMessage(data, isBinary)).toEqual(expected);
  });

  test("an id longer than 256 characters is rejected", () => {
    const message = parseClientMessage(Buffer.from(JSON.stringify({ type: "cancel", id: "x".repeat(257) })), false);
    expect(message).toMatchObject({ type: "rejected", id: null, error: { status: 400, body: { error: { code: "invalid_message", param: "id" } } } });
  });
});

/** A socket whose queue never drains: every send waits on its callback. */
function stuckSocket() {
  const state = { sent: [] as string[], terminated: false };
  const websocket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 2 * 1024 * 1024,
    send: (text: string) => void state.sent.push(text),
    terminate: () => void (state.terminated = true),
  } as unknown as WebSocket;
  return { websocket, state };
}

describe("sendResult", () => {
  test("a client that stops reading is terminated after the stall limit and the stream is cancelled", async () => {
    const { websocket, state } = stuckSocket();
    let cancelled = false;
    const frames = new ReadableStream<OutboundFrame>({
      pull: (controller) => controller.enqueue({ type: "data", data: { n: 1 } }),
      cancel: () => void (cancelled = true),
    });
    await sendResult({ websocket, stallMs: 30 }, "s", { type: "stream", status: 200, headers: {}, frames }, new AbortController().signal);
    expect(state.terminated).toBe(true);
    expect(state.sent).toEqual(['{"type":"chunk","id":"s","data":{"n":1}}']);
    expect(cancelled).toBe(true);
  });

  test("a non-2xx JSON answer becomes one error message", async () => {
    const sent: string[] = [];
    const websocket = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (text: string) => void sent.push(text) } as unknown as WebSocket;
    const body = { error: { message: "no", type: "invalid_request_error", code: "model_not_found", param: "model" } };
    await sendResult({ websocket, stallMs: 30 }, "j", { type: "json", status: 404, headers: {}, body }, new AbortController().signal);
    expect(sent.map((text) => JSON.parse(text))).toEqual([{ type: "error", id: "j", status: 404, error: body.error }]);
  });
});
