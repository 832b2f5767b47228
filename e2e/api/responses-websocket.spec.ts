import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { ResponsesWS } from "openai/resources/responses/ws";
import WebSocket from "ws";
import { e2eEnv } from "../support/e2e-env";
import { createKey, ledgerRow } from "../support/gateway-client";

// OpenAI's Responses WebSocket mode on the built server's port (server.ts upgrade routing), with the
// official SDK's ResponsesWS: https://developers.openai.com/api/docs/guides/websocket-mode
const FAKE_TEXT = "Hello from the fake provider.";

function nextCompleted(connection: ResponsesWS): Promise<OpenAI.Responses.ResponseCompletedEvent> {
  return new Promise((resolve) => {
    const onCompleted = (event: OpenAI.Responses.ResponseCompletedEvent) => {
      connection.off("response.completed", onCompleted);
      resolve(event);
    };
    connection.on("response.completed", onCompleted);
  });
}

test("openai SDK ResponsesWS: a streamed response, a store:false continuation, one ledger row each", async ({ request }) => {
  const { key } = await createKey(request);
  const connection = new ResponsesWS(new OpenAI({ baseURL: `${e2eEnv().baseURL}/v1`, apiKey: key, maxRetries: 0 }));
  const deltas: string[] = [];
  connection.on("response.output_text.delta", (event) => deltas.push(event.delta));
  connection.on("error", () => {});

  const firstDone = nextCompleted(connection);
  connection.send({ type: "response.create", model: "gpt-4o-mini", input: "Say hi", store: false });
  const first = (await firstDone).response;
  expect(deltas.join("")).toBe(FAKE_TEXT);
  expect(first).toMatchObject({ status: "completed", store: false, output_text: FAKE_TEXT, usage: { input_tokens: 21, output_tokens: 7 } });

  const secondDone = nextCompleted(connection);
  connection.send({ type: "response.create", model: "claude-haiku-4-5", input: "And again", store: false, previous_response_id: first.id });
  const second = (await secondDone).response;
  expect(second).toMatchObject({ status: "completed", previous_response_id: first.id });
  connection.close();

  for (const response of [first, second]) {
    expect(await ledgerRow(request, `req_${response.id.slice(5)}`)).toMatchObject({ endpoint: "/v1/responses", status: "success", stream: true });
  }
});

test("an upgrade to /v1/responses with a wrong key is refused with 401; /v1/realtime/chat still upgrades", async ({ request }) => {
  const url = `${e2eEnv().baseURL.replace(/^http/, "ws")}/v1/responses`;
  const status = await new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { authorization: "Bearer vk_wrong_key_0000000000" } });
    socket.on("open", () => reject(new Error("upgrade was accepted")));
    socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    socket.on("error", reject);
  });
  expect(status).toBe(401);

  const { key } = await createKey(request);
  const chat = new WebSocket(`${e2eEnv().baseURL.replace(/^http/, "ws")}/v1/realtime/chat`, { headers: { authorization: `Bearer ${key}` } });
  await new Promise((resolve, reject) => chat.once("open", resolve).once("error", reject));
  chat.close();
});
