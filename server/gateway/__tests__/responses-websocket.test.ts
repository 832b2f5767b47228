import OpenAI from "openai";
import { ResponsesWS } from "openai/resources/responses/ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { FAKE_TEXT, FAKE_TEXT_DELTAS, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, FAKE_TOOL_ARGUMENTS, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { createMemoryResponseStore } from "../inbound/responses/response-store";
import { attachWebSocketRouter, makeKey, makeModel, openWebSocket, postJson, readSse, refusedUpgrade, startTestGateway, until } from "./harness";

/** OpenAI Responses WebSocket mode on /v1/responses, with the `ws` package and the official SDK's ResponsesWS. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ServerEvent = { type: string; [field: string]: any };

let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let router: ReturnType<typeof attachWebSocketRouter>;
const key = makeKey();
const store = createMemoryResponseStore();
const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

beforeAll(async () => {
  fake = await startFakeOpenAI();
  gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")], idleMs: 800 });
  gateway.deps.responses = store;
  router = attachWebSocketRouter(gateway);
});
afterAll(async () => {
  router.close();
  await gateway.close();
  await fake.close();
});

async function connect(url = router.responsesUrl) {
  const { socket, messages } = await openWebSocket<ServerEvent>(url, { token: key.token });
  return { socket, events: messages };
}

/** Sends one response.create and resolves with the events from it up to its terminal event. */
async function createResponse(socket: WebSocket, events: ServerEvent[], body: Record<string, unknown>): Promise<ServerEvent[]> {
  const start = events.length;
  socket.send(JSON.stringify({ type: "response.create", ...body }));
  // Terminal: a response.* end event, or an error event with a status (a failure before streaming).
  const terminalIndex = () => events.findIndex((event, index) => index >= start && TERMINAL.has(event.type));
  await until(() => terminalIndex() !== -1 || events.slice(start).some((event) => event.type === "error" && event.status !== undefined));
  const end = terminalIndex();
  return events.slice(start, end === -1 ? undefined : end + 1);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe("responses websocket mode", () => {
  test.each([
    ["no key", undefined],
    ["a wrong key", { authorization: "Bearer vk_wrong_key_0000000000" }],
  ])("an upgrade with %s gets 401 before upgrading and writes no ledger row", async (_name, headers) => {
    const before = gateway.rows.length;
    const answer = await refusedUpgrade(router.responsesUrl, { headers });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
    await settle();
    expect(gateway.rows.length).toBe(before);
  });

  test("a key as a subprotocol entry (browsers) is accepted and modelgate.v1 is selected", async () => {
    const { socket, messages: events } = await openWebSocket<ServerEvent>(router.responsesUrl, { protocols: ["modelgate.v1", `modelgate.key.${key.token}`] });
    expect(socket.protocol).toBe("modelgate.v1");
    expect((await createResponse(socket, events, { model: "mini", input: "Hi" })).at(-1)).toMatchObject({ type: "response.completed" });
    socket.close();
  });

  test("a text response sends the SSE path's events as JSON frames and one ledger row", async () => {
    const sse = (await readSse(await postJson(`${gateway.url}/v1/responses`, key.token, { model: "mini", input: "Hi", stream: true, store: false }))).map((data) => JSON.parse(data));
    await gateway.waitForRows(gateway.rows.length);
    const before = gateway.rows.length;
    const { socket, events } = await connect();
    const mine = await createResponse(socket, events, { model: "mini", input: "Hi", store: false });
    const deltas = FAKE_TEXT_DELTAS.map(() => "response.output_text.delta");
    const expectedTypes = ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", ...deltas, "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"];
    expect(mine.map((event) => event.type)).toEqual(expectedTypes);
    expect(mine.map((event) => event.type)).toEqual(sse.map((event) => event.type));
    expect(mine.map((event) => event.sequence_number)).toEqual(mine.map((_event, index) => index));
    expect(mine.filter((event) => event.type === "response.output_text.delta").map((event) => event.delta).join("")).toBe(FAKE_TEXT);
    expect(mine.at(-1)!.response).toMatchObject({ object: "response", status: "completed", model: "mini", store: false, output_text: FAKE_TEXT, usage: { input_tokens: 21, output_tokens: 7 } });
    expect(fake.received.at(-1)!.body).toMatchObject({ stream: true });
    const rows = await gateway.waitForRows(before + 1);
    await settle();
    expect(rows.slice(before)).toHaveLength(1);
    expect(rows.at(-1)).toMatchObject({ id: `req_${mine[0].response.id.slice(5)}`, endpoint: "/v1/responses", status: "success", stream: true, inputTokens: 21, outputTokens: 7 });
    socket.close();
  });

  test("a tool call streams function_call_arguments deltas and a completed function_call item", async () => {
    const { socket, events } = await connect();
    const tools = [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } }];
    const mine = await createResponse(socket, events, { model: "mini", input: "Weather in Paris? [[fake:tool]]", tools });
    const argumentDeltas = mine.filter((event) => event.type === "response.function_call_arguments.delta");
    expect(argumentDeltas.length).toBeGreaterThan(1);
    expect(argumentDeltas.map((event) => event.delta).join("")).toBe(FAKE_TOOL_ARGUMENTS);
    expect(mine.find((event) => event.type === "response.function_call_arguments.done")).toMatchObject({ name: "get_weather", arguments: FAKE_TOOL_ARGUMENTS });
    expect(mine.at(-1)).toMatchObject({ type: "response.completed", response: { output: [{ type: "function_call", status: "completed", name: "get_weather", arguments: FAKE_TOOL_ARGUMENTS }] } });
    socket.close();
  });

  test("store:false: the next response continues the previous one on the same socket, never on another", async () => {
    const { socket, events } = await connect();
    const first = await createResponse(socket, events, { model: "mini", input: "My name is Ada.", store: false });
    const firstId = first.at(-1)!.response.id as string;
    const second = await createResponse(socket, events, { model: "mini", input: "What is my name?", store: false, previous_response_id: firstId });
    expect(second.at(-1)).toMatchObject({ type: "response.completed", response: { previous_response_id: firstId, store: false } });
    expect((fake.received.at(-1)!.body as { messages: unknown[] }).messages).toEqual([
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: FAKE_TEXT },
      { role: "user", content: "What is my name?" },
    ]);
    expect(store.records.has(firstId)).toBe(false);
    // Only the latest response is kept: the first one is gone once the second exists.
    const stale = await createResponse(socket, events, { model: "mini", input: "Again", store: false, previous_response_id: firstId });
    expect(stale).toEqual([{ type: "error", status: 404, error: expect.objectContaining({ code: "previous_response_not_found", param: "previous_response_id" }) }]);
    socket.close();

    const other = await connect();
    const elsewhere = await createResponse(other.socket, other.events, { model: "mini", input: "Hi", store: false, previous_response_id: second.at(-1)!.response.id });
    expect(elsewhere[0]).toMatchObject({ type: "error", error: { code: "previous_response_not_found" } });
    other.socket.close();
  });

  test("store:true: the response is stored and continues from a new socket", async () => {
    const { socket, events } = await connect();
    const first = await createResponse(socket, events, { model: "mini", input: "Remember 42." });
    const firstId = first.at(-1)!.response.id as string;
    socket.close();
    await until(() => store.records.has(firstId));
    const next = await connect();
    const second = await createResponse(next.socket, next.events, { model: "mini", input: "Which number?", previous_response_id: firstId });
    expect(second.at(-1)).toMatchObject({ type: "response.completed", response: { previous_response_id: firstId } });
    expect((fake.received.at(-1)!.body as { messages: { content: unknown }[] }).messages.map((message) => message.content)).toEqual(["Remember 42.", FAKE_TEXT, "Which number?"]);
    next.socket.close();
  });

  test("a response.create while one is in flight is refused and the running response goes on", async () => {
    const { socket, events } = await connect();
    socket.send(JSON.stringify({ type: "response.create", model: "mini", input: "Hi [[fake:slow]]" }));
    socket.send(JSON.stringify({ type: "response.create", model: "mini", input: "Hi" }));
    await until(() => events.some((event) => event.type === "error") && events.some((event) => event.type === "response.output_text.delta"));
    expect(events.find((event) => event.type === "error")).toEqual({
      type: "error",
      status: 400,
      error: {
        type: "invalid_request_error",
        code: "response_already_in_flight",
        message: "A response is already in progress on this connection; send the next response.create after its terminal event.",
        param: null,
      },
    });
    expect(events.filter((event) => event.type === "response.created")).toHaveLength(1);
    socket.close();
  });

  test.each([
    ["invalid JSON", "not json", { code: "invalid_json", param: null }],
    ["an unknown event type", JSON.stringify({ type: "response.cancel" }), { code: "unknown_event_type", param: "type" }],
    ["background: true", JSON.stringify({ type: "response.create", model: "mini", input: "Hi", background: true }), { code: "unsupported_parameter", param: "background" }],
  ])("%s gets an error event and the socket stays usable", async (_name, frame, expected) => {
    const { socket, events } = await connect();
    socket.send(frame);
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ type: "error", status: 400, error: { type: "invalid_request_error", ...expected } });
    expect((await createResponse(socket, events, { model: "mini", input: "Hi" })).at(-1)).toMatchObject({ type: "response.completed" });
    socket.close();
  });

  test("an unknown model is an error event with the pipeline's status", async () => {
    const { socket, events } = await connect();
    const mine = await createResponse(socket, events, { model: "nope", input: "Hi" });
    expect(mine).toEqual([{ type: "error", status: 404, error: expect.objectContaining({ type: "invalid_request_error", code: "model_not_found", param: "model" }) }]);
    socket.close();
  });

  test("an upstream cut mid-stream ends with error and response.failed, never completed", async () => {
    const before = gateway.rows.length;
    const { socket, events } = await connect();
    const mine = await createResponse(socket, events, { model: "mini", input: "Hi [[fake:cut]]" });
    const types = mine.map((event) => event.type);
    expect(types).not.toContain("response.completed");
    expect(types.slice(-2)).toEqual(["error", "response.failed"]);
    expect(mine.at(-2)).toMatchObject({ code: "stream_cut" });
    expect(mine.at(-1)!.response).toMatchObject({ status: "failed", error: { code: "stream_cut" } });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "error", errorKind: "stream_cut", endpoint: "/v1/responses" });
    socket.close();
  });

  test("closing the socket mid-response aborts the upstream and bills the partial stream once", async () => {
    const before = gateway.rows.length;
    const { socket, events } = await connect();
    socket.send(JSON.stringify({ type: "response.create", model: "mini", input: "Hi [[fake:slow]]" }));
    await until(() => events.filter((event) => event.type === "response.output_text.delta").length >= 2);
    socket.close();
    await until(() => fake.received.at(-1)!.outcome !== "pending");
    expect(fake.received.at(-1)!.outcome).toBe("client_closed");
    const rows = await gateway.waitForRows(before + 1);
    await settle();
    expect(rows.slice(before)).toHaveLength(1);
    expect(rows.at(-1)).toMatchObject({ endpoint: "/v1/responses", status: "aborted", clientAborted: true, stream: true });
  });

  test("/v1/realtime/chat still works beside it", async () => {
    const { socket, events } = await connect(router.chatUrl);
    socket.send(JSON.stringify({ type: "chat.completions.create", id: "c", request: { model: "mini", messages: [{ role: "user", content: "Hi" }] } }));
    await until(() => events.some((event) => event.type === "done"));
    expect(events.at(-1)).toEqual({ type: "done", id: "c" });
    socket.close();
  });

  test("a connection past its age limit gets websocket_connection_limit_reached and is closed", async () => {
    const aged = await startTestGateway({ keys: [key.entry], models: [makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")] });
    const agedRouter = attachWebSocketRouter(aged, { maxAgeMs: 200 });
    const socket = new WebSocket(agedRouter.responsesUrl, { headers: { authorization: `Bearer ${key.token}` } });
    const events: ServerEvent[] = [];
    socket.on("message", (data) => events.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    expect(await closed).toBe(1000);
    expect(events).toEqual([{ type: "error", status: 400, error: expect.objectContaining({ code: "websocket_connection_limit_reached" }) }]);
    agedRouter.close();
    await aged.close();
  });
});

describe("the openai SDK's ResponsesWS against the gateway", () => {
  test("streams a response and surfaces error events", async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key.token, maxRetries: 0 });
    const connection = new ResponsesWS(client);
    const deltas: string[] = [];
    const errors: unknown[] = [];
    connection.on("response.output_text.delta", (event) => deltas.push(event.delta));
    connection.on("error", (error) => errors.push(error.error));
    const completed = new Promise<OpenAI.Responses.ResponseCompletedEvent>((resolve) => connection.on("response.completed", resolve));
    connection.send({ type: "response.create", model: "mini", input: "Hi", store: false });
    const done = await completed;
    expect(deltas.join("")).toBe(FAKE_TEXT);
    expect(done.response).toMatchObject({ status: "completed", output_text: FAKE_TEXT });

    connection.send({ type: "response.create", model: "mini", input: "Who am I?", store: false, previous_response_id: done.response.id });
    const next = await new Promise<OpenAI.Responses.ResponseCompletedEvent>((resolve) => connection.on("response.completed", resolve));
    expect(next.response.previous_response_id).toBe(done.response.id);

    connection.send({ type: "response.create", model: "nope", input: "Hi" });
    await until(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ type: "error", status: 404, error: { code: "model_not_found" } });
    connection.close();
  });
});
