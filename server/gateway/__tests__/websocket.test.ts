import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { attachWebSocketTransport, makeKey, makeModel, openWebSocket, readSse, refusedUpgrade, startTestGateway, until } from "./harness";

interface ServerMessage {
  type: "chunk" | "done" | "error";
  id: string | null;
  data?: { choices: { delta?: { content?: string }; finish_reason?: string | null }[] };
  status?: number;
  error?: { message: string; type: string; code: string | null; param: string | null };
}

let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let transport: ReturnType<typeof attachWebSocketTransport>;
const key = makeKey();

beforeAll(async () => {
  fake = await startFakeOpenAI();
  gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")], idleMs: 800 });
  transport = attachWebSocketTransport(gateway);
});
afterAll(async () => {
  transport.close();
  await gateway.close();
  await fake.close();
});

/** An open socket plus every message it received, in order. */
const connect = (options: { token?: string; protocols?: string[] } = { token: key.token }) => openWebSocket<ServerMessage>(transport.url, options);

/** Resolves with the messages for `id` once its `done` or `error` arrived. */
async function untilEnd(messages: ServerMessage[], id: string, timeoutMs = 5000): Promise<ServerMessage[]> {
  const mine = () => messages.filter((message) => message.id === id);
  await until(() => mine().some((message) => message.type !== "chunk"), timeoutMs);
  return mine();
}

const textOf = (messages: ServerMessage[]) => messages.map((message) => message.data?.choices[0]?.delta?.content ?? "").join("");
const create = (socket: WebSocket, id: string, content: string) =>
  socket.send(JSON.stringify({ type: "chat.completions.create", id, request: { model: "mini", messages: [{ role: "user", content }] } }));

describe("websocket transport", () => {
  test.each([
    ["no key", [], undefined],
    ["a wrong bearer key", [], { authorization: "Bearer vk_wrong_key_0000000000" }],
    ["a wrong key entry", ["modelgate.v1", "modelgate.key.vk_wrong_key_0000000000"], undefined],
  ])("an upgrade with %s gets 401 before upgrading and writes no ledger row", async (_name, protocols, headers) => {
    const before = gateway.rows.length;
    const answer = await refusedUpgrade(transport.url, { protocols, headers });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.rows.length).toBe(before);
  });

  test("a key as a subprotocol entry is accepted and modelgate.v1 is selected", async () => {
    const { socket, messages } = await connect({ protocols: ["modelgate.v1", `modelgate.key.${key.token}`] });
    expect(socket.protocol).toBe("modelgate.v1");
    create(socket, "a", "Hi");
    expect((await untilEnd(messages, "a")).at(-1)).toEqual({ type: "done", id: "a" });
    socket.close();
  });

  test("a stream ends with done and carries the same text as SSE, one ledger row", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mini", stream: true, messages: [{ role: "user", content: "Hi" }] }),
    });
    const sseText = (await readSse(response)).slice(0, -1).map((data) => JSON.parse(data).choices[0]?.delta?.content ?? "").join("");
    await gateway.waitForRows(gateway.rows.length);
    const before = gateway.rows.length;
    const { socket, messages } = await connect();
    create(socket, "one", "Hi");
    const mine = await untilEnd(messages, "one");
    expect(mine.at(-1)).toEqual({ type: "done", id: "one" });
    expect(mine.slice(0, -1).every((message) => message.type === "chunk")).toBe(true);
    expect(textOf(mine)).toBe(FAKE_TEXT);
    expect(textOf(mine)).toBe(sseText);
    expect(fake.received.at(-1)!.body).toMatchObject({ stream: true });
    const rows = await gateway.waitForRows(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rows.slice(before)).toHaveLength(1);
    expect(rows.at(-1)).toMatchObject({ status: "success", stream: true, endpoint: "/v1/chat/completions", inputTokens: 21, outputTokens: 7 });
    socket.close();
  });

  test("two requests multiplexed on one socket each end with done, one ledger row each", async () => {
    const before = gateway.rows.length;
    const { socket, messages } = await connect();
    create(socket, "x", "Hi");
    create(socket, "y", "Hello");
    const [x, y] = await Promise.all([untilEnd(messages, "x"), untilEnd(messages, "y")]);
    expect(textOf(x)).toBe(FAKE_TEXT);
    expect(textOf(y)).toBe(FAKE_TEXT);
    expect(x.at(-1)).toEqual({ type: "done", id: "x" });
    expect(y.at(-1)).toEqual({ type: "done", id: "y" });
    const rows = await gateway.waitForRows(before + 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rows.slice(before).map((row) => row.status)).toEqual(["success", "success"]);
    socket.close();
  });

  test("a cut stream ends with an error message and no done", async () => {
    const before = gateway.rows.length;
    const { socket, messages } = await connect();
    create(socket, "cut", "Hi [[fake:cut]]");
    const mine = await untilEnd(messages, "cut");
    expect(mine.some((message) => message.type === "done")).toBe(false);
    expect(mine.at(-1)).toMatchObject({ type: "error", id: "cut", status: 502, error: { type: "upstream_error", code: "stream_cut", param: null } });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "error", errorKind: "stream_cut" });
    socket.close();
  });

  test("cancel closes the upstream request, ends with request_cancelled, and is billed once", async () => {
    const before = gateway.rows.length;
    const { socket, messages } = await connect();
    create(socket, "slow", "Hi [[fake:slow]]");
    const deadline = Date.now() + 3000;
    while (!messages.some((message) => message.type === "chunk") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.send(JSON.stringify({ type: "cancel", id: "slow" }));
    const mine = await untilEnd(messages, "slow");
    expect(mine.at(-1)).toEqual({
      type: "error",
      id: "slow",
      status: 499,
      error: { message: "The request was cancelled by the client.", type: "invalid_request_error", code: "request_cancelled", param: null },
    });
    while (fake.received.at(-1)!.outcome === "pending" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.received.at(-1)!.outcome).toBe("client_closed");
    const rows = await gateway.waitForRows(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(rows.slice(before)).toHaveLength(1);
    expect(rows.at(-1)).toMatchObject({ status: "aborted", clientAborted: true });
    socket.close();
  });

  test("closing the socket aborts its in-flight request", async () => {
    const { socket, messages } = await connect();
    create(socket, "gone", "Hi [[fake:slow]]");
    const deadline = Date.now() + 3000;
    while (!messages.some((message) => message.type === "chunk") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.close();
    while (fake.received.at(-1)!.outcome === "pending" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.received.at(-1)!.outcome).toBe("client_closed");
  });

  test.each([
    ["an unknown type", { type: "hello", id: "m1" }, "m1", "Unknown message type; send 'chat.completions.create' or 'cancel'.", "type"],
    ["a missing id", { type: "chat.completions.create", request: {} }, null, "Each message needs an 'id' string of 1 to 256 characters.", "id"],
  ])("%s is answered with an invalid_message error and the socket stays open", async (_name, payload, id, message, param) => {
    const { socket, messages } = await connect();
    socket.send(JSON.stringify(payload));
    const deadline = Date.now() + 3000;
    while (messages.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(messages[0]).toEqual({ type: "error", id, status: 400, error: { message, type: "invalid_request_error", code: "invalid_message", param } });
    create(socket, "after", "Hi");
    expect((await untilEnd(messages, "after")).at(-1)).toEqual({ type: "done", id: "after" });
    socket.close();
  });

  test("an id already in flight is refused with duplicate_id and the running request goes on", async () => {
    const { socket, messages } = await connect();
    create(socket, "dup", "Hi [[fake:slow]]");
    create(socket, "dup", "Hi");
    const deadline = Date.now() + 3000;
    while (!messages.some((message) => message.type === "error") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(messages.find((message) => message.type === "error")).toEqual({
      type: "error",
      id: "dup",
      status: 400,
      error: { message: "A request with id 'dup' is already in flight.", type: "invalid_request_error", code: "duplicate_id", param: "id" },
    });
    while (!messages.some((message) => message.type === "chunk") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(messages.filter((message) => message.type === "chunk").length).toBeGreaterThan(0);
    socket.close();
  });

  test("an invalid request body becomes an error message with the pipeline's status", async () => {
    const { socket, messages } = await connect();
    socket.send(JSON.stringify({ type: "chat.completions.create", id: "bad", request: { model: "nope", messages: [{ role: "user", content: "Hi" }] } }));
    expect((await untilEnd(messages, "bad")).at(-1)).toMatchObject({ type: "error", id: "bad", status: 404, error: { code: "model_not_found", param: "model" } });
    socket.close();
  });

  test("a frame that is not JSON closes the socket with 1008", async () => {
    const { socket } = await connect();
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send("not json");
    expect(await closed).toBe(1008);
  });
});
