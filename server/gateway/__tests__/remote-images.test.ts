import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { FAKE_BEDROCK_CREDENTIAL, startFakeBedrock } from "@/e2e/fakes/bedrock-fake";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { makeKey, makeModel, startTestGateway } from "./harness";

// The image server below listens on loopback: allow exactly that, before the gateway first reads its environment.
vi.hoisted(() => {
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "127.0.0.1";
});

/** A 1×1 PNG. */
const PNG_BYTES = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

let fake: FakeUpstream;
let images: http.Server;
let imagesUrl: string;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();

beforeAll(async () => {
  fake = await startFakeBedrock();
  images = http.createServer((_request, response) => void response.writeHead(200, { "content-type": "image/png" }).end(PNG_BYTES));
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("claude-haiku-4-5", "bedrock", fake.url, FAKE_BEDROCK_CREDENTIAL, HAIKU)] });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
  images.closeAllConnections();
  await new Promise((resolve) => images.close(resolve));
});

function chatWithImage(url: string) {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-haiku-4-5", messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url } }] }] }),
  });
}

describe("remote images for a provider that only takes bytes (Bedrock)", () => {
  test("an http image URL is fetched by the gateway and sent as bytes", async () => {
    const response = await chatWithImage(`${imagesUrl}/cat.png`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    expect((await response.json()).choices[0].message.content).toBe(FAKE_TEXT);
    expect(fake.received.at(-1)!.body).toMatchObject({
      messages: [{ role: "user", content: [{ text: "What is this?" }, { image: { format: "png", source: { bytes: PNG_BYTES.toString("base64") } } }] }],
    });
  });

  test("a refused URL is a 400 naming the part, never reaches the provider, and costs nothing", async () => {
    const before = { rows: gateway.rows.length, received: fake.received.length };
    const response = await chatWithImage("http://169.254.169.254/latest/meta-data/");
    expect(response.status).toBe(400);
    const param = "messages[0].content[1].image_url";
    expect((await response.json()).error).toMatchObject({
      type: "invalid_request_error",
      param,
      message: `The image URL at ${param} resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it).`,
    });
    expect(fake.received.length).toBe(before.received);
    const row = (await gateway.waitForRows(before.rows + 1)).at(-1)!;
    expect(row).toMatchObject({ status: "error", httpStatus: 400, costUsd: "0.000000000000", inputTokens: 0, upstreamAttempts: 0 });
  });
});
