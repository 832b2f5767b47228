/**
 * The floor every figure in `npm run bench` is compared with: a bare node:http server that passes each
 * request through to the upstream with undici's pooled client and pipes the answer back (no auth, no
 * parsing, no ledger). Usage: node bare-proxy.mjs <port> <upstream origin>; prints its URL when listening.
 */
import { createServer } from "node:http";
import { Pool } from "undici";

const port = Number(process.argv[2] ?? 0);
const upstream = new Pool(process.argv[3]!, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer((request, response) => {
  if (request.url === "/api/health" || request.url === "/api/ready") return void response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const controller = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    upstream
      .request({
        method: request.method as "POST",
        path: request.url!,
        headers: { "content-type": "application/json", authorization: request.headers.authorization ?? "" },
        body: Buffer.concat(chunks),
        signal: controller.signal,
      })
      .then(async (answer) => {
        response.writeHead(answer.statusCode, { "content-type": String(answer.headers["content-type"] ?? "application/json") });
        for await (const chunk of answer.body) response.write(chunk);
        response.end();
      })
      .catch(() => {
        if (!response.headersSent) response.writeHead(502).end();
        else response.destroy();
      });
  });
});
server.keepAliveTimeout = 65_000;
// A clean exit on SIGTERM, so `node --cpu-prof` writes its profile (npm run bench:profile).
process.on("SIGTERM", () => process.exit(0));
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`http://127.0.0.1:${typeof address === "object" && address ? address.port : port}\n`);
});
