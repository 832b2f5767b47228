/**
 * A small round-robin load balancer for the replica tests, doing what a production one does for
 * modelgate: rotate over backends, and on a connection refused or reset before any response byte
 * (a replica gone or closing an idle keep-alive socket) try the next backend. Responses stream through.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";

export interface RoundRobin {
  url: string;
  /** Requests answered by each backend, by its origin. */
  served: Map<string, number>;
  close(): Promise<void>;
}

const RETRYABLE = new Set(["ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

export async function startRoundRobin(backends: string[]): Promise<RoundRobin> {
  const pools = backends.map((origin) => new Pool(origin, { connections: 64, keepAliveTimeout: 10_000 }));
  const served = new Map(backends.map((origin) => [origin, 0]));
  let next = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks);
      const headers = { ...request.headers };
      delete headers.connection;
      delete headers["keep-alive"];
      const first = next++;
      for (let tries = 0; tries < backends.length; tries++) {
        const index = (first + tries) % backends.length;
        try {
          const answer = await pools[index].request({ method: request.method as "POST", path: request.url!, headers, body: body.length > 0 ? body : undefined });
          served.set(backends[index], served.get(backends[index])! + 1);
          const outgoing = { ...answer.headers };
          delete outgoing.connection;
          delete outgoing["keep-alive"];
          delete outgoing["transfer-encoding"];
          response.writeHead(answer.statusCode, outgoing as Record<string, string>);
          try {
            for await (const chunk of answer.body) response.write(chunk);
            response.end();
          } catch {
            response.destroy(); // a cut upstream stays cut: never a clean end
          }
          return;
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? "";
          if (!RETRYABLE.has(code)) break;
        }
      }
      if (!response.headersSent) response.writeHead(502, { "content-type": "application/json" }).end('{"error":{"message":"no backend answered","type":"upstream_error","code":"no_backend","param":null}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(pools.map((pool) => pool.close()));
    },
  };
}
