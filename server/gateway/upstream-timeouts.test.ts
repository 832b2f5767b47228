import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createUpstreamClient } from "./upstream";

// Per-request limits in place of the client's (a model group's timeouts), against a local server: /late sends its
// headers after 2.5 s, /silent sends its headers at once and its body after 600 ms. The client's own limits are 5 s.
let server: http.Server;
let base: string;
const client = createUpstreamClient({ connectMs: 5000, firstByteMs: 5000, idleMs: 5000 }, "*");

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === "/late") return void setTimeout(() => response.writeHead(200).end("late"), 2500);
    response.writeHead(200);
    response.flushHeaders();
    setTimeout(() => response.end("silent"), 600);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (path: string, timeouts?: { firstByteMs?: number; idleMs?: number; connectMs?: number }) =>
  client.send({ method: "GET", url: `${base}${path}`, headers: {}, body: "", warnings: [] }, { provider: "openai", trusted: true, signal: new AbortController().signal, timeouts });

describe("upstream client: per-request timeouts", () => {
  test("idleMs: a body silent longer than the request's own limit fails as an idle timeout", async () => {
    const started = Date.now();
    const sent = await send("/silent", { idleMs: 200 });
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    await expect(sent.value.text()).rejects.toMatchObject({ code: "UND_ERR_BODY_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(550);
  });

  test("firstByteMs: headers later than the request's own limit are a first-token timeout (undici's coarse clock)", async () => {
    const started = Date.now();
    expect(await send("/late", { firstByteMs: 200 })).toEqual({ ok: false, error: { kind: "timeout", phase: "first_token" } });
    expect(Date.now() - started).toBeLessThan(2400);
  });

  test("without overrides the client's own limits apply (the same responses arrive)", async () => {
    const late = await send("/late");
    expect(late.ok && (await late.value.text())).toBe("late");
    const silent = await send("/silent", { connectMs: 1000 });
    expect(silent.ok && (await silent.value.text())).toBe("silent");
  });
});
