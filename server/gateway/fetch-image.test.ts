import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fetchImage, sniffImageType } from "./fetch-image";

/** A 1×1 PNG. */
const PNG_BYTES = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const PARAM = "messages[0].content[1].image_url";
const ALLOW_LOCAL = "127.0.0.1";

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    switch (request.url) {
      case "/image.png":
        return response.writeHead(200, { "content-type": "image/png" }).end(PNG_BYTES);
      case "/text":
        return response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("hello");
      case "/disguised.png":
        return response.writeHead(200, { "content-type": "image/png" }).end("<html>not an image</html>");
      case "/big-declared":
        return response.writeHead(200, { "content-type": "image/png", "content-length": "4096" }).end(Buffer.concat([PNG_BYTES, Buffer.alloc(4096 - PNG_BYTES.length)]));
      case "/big-chunked":
        response.writeHead(200, { "content-type": "image/png" });
        for (let index = 0; index < 8; index++) response.write(index === 0 ? Buffer.concat([PNG_BYTES, Buffer.alloc(512 - PNG_BYTES.length)]) : Buffer.alloc(512));
        return response.end();
      case "/slow.png":
        response.writeHead(200, { "content-type": "image/png" });
        response.write(PNG_BYTES.subarray(0, 8));
        return; // never ends
      case "/missing":
        return response.writeHead(404).end();
      case "/to-image":
        return response.writeHead(302, { location: "/image.png" }).end();
      case "/to-metadata":
        return response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      case "/loop":
        return response.writeHead(301, { location: "/loop" }).end();
      default:
        return response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("fetchImage with the local server allowed", () => {
  test("a png comes back as base64 with its media type", async () => {
    const result = await fetchImage(`${base}/image.png`, { allowPrivateHosts: ALLOW_LOCAL, param: PARAM });
    expect(result).toEqual({ ok: true, value: { mediaType: "image/png", base64: PNG_BYTES.toString("base64") } });
  });

  test("one redirect to an allowed image is followed", async () => {
    const result = await fetchImage(`${base}/to-image`, { allowPrivateHosts: ALLOW_LOCAL, param: PARAM });
    expect(result).toEqual({ ok: true, value: { mediaType: "image/png", base64: PNG_BYTES.toString("base64") } });
  });

  test.each([
    ["/text", {}, "does not point at a png, jpeg, gif or webp image (content-type text/plain)"],
    ["/disguised.png", {}, "points at content that is not the image/png its content-type says"],
    ["/big-declared", { maxBytes: 1024 }, "points at an image larger than 1024 bytes"],
    ["/big-chunked", { maxBytes: 1024 }, "points at an image larger than 1024 bytes"],
    ["/slow.png", { timeoutMs: 300 }, "could not be fetched within 0.3 s"],
    ["/missing", {}, "could not be fetched (HTTP 404)"],
    ["/to-metadata", {}, "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["/loop", {}, "could not be fetched (more than 3 redirects)"],
  ])("%s is refused", async (path, limits, reason) => {
    const result = await fetchImage(`${base}${path}`, { allowPrivateHosts: ALLOW_LOCAL, param: PARAM, ...limits });
    expect(result).toEqual({ ok: false, error: { kind: "invalid_request", param: PARAM, message: `The image URL at ${PARAM} ${reason}.` } });
  });
});

describe("fetchImage without an allow-list", () => {
  test.each([
    ["the local server", () => `${base}/image.png`, "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["localhost by name", () => `${base.replace("127.0.0.1", "localhost")}/image.png`, "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["a private network", () => "http://10.0.0.8/cat.png", "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["the metadata address", () => "http://169.254.169.254/latest/meta-data/", "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["CGNAT", () => "http://100.64.1.2/cat.png", "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["IPv6 loopback", () => "http://[::1]/cat.png", "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)"],
    ["a metadata host name", () => "http://metadata.google.internal/computeMetadata/v1/", "points at a cloud metadata service"],
    ["another scheme", () => "file:///etc/passwd", "must use http or https"],
    ["credentials in the URL", () => "https://user:secret@example.com/cat.png", "must not contain credentials"],
  ])("%s is refused before connecting", async (_name, url, reason) => {
    const result = await fetchImage(url(), { allowPrivateHosts: "", param: PARAM });
    expect(result).toEqual({ ok: false, error: { kind: "invalid_request", param: PARAM, message: `The image URL at ${PARAM} ${reason}.` } });
  });
});

test("a name that resolves public before connecting but private at connect time (DNS rebinding) is refused", async () => {
  const rebinding = async () => ["93.184.216.34"];
  const result = await fetchImage(`${base.replace("127.0.0.1", "localhost")}/image.png`, { allowPrivateHosts: "", param: PARAM, resolveHost: rebinding });
  expect(result).toEqual({ ok: false, error: { kind: "invalid_request", param: PARAM, message: `The image URL at ${PARAM} resolves to a private, loopback, link-local or metadata address.` } });
});

test.each([
  ["png", PNG_BYTES, "image/png"],
  ["jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), "image/jpeg"],
  ["gif", Buffer.from("GIF89a\x01\x00", "latin1"), "image/gif"],
  ["webp", Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ", "latin1"), "image/webp"],
  ["svg", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), undefined],
])("sniffImageType: %s", (_name, bytes, expected) => {
  expect(sniffImageType(bytes)).toBe(expected);
});
