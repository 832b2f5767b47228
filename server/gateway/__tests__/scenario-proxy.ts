import http from "node:http";
import type { AddressInfo } from "node:net";

/** The placeholder a test writes into its prompt; the proxy replaces it with the directive chosen for each request. */
export const SCENARIO_SLOT = "{{scenario}}";

/**
 * A pass-through proxy in front of a fake provider that gives each request its own scenario directive (e2e/fakes/
 * common.ts), chosen by the order requests arrive in: so one of n identical fanned-out calls can fail, be cut or stall
 * while its siblings answer. Responses (SSE included) are piped back as they come; a cut upstream cuts the client too, and a
 * client that leaves is passed on to the fake.
 */
export async function startScenarioProxy(targetUrl: string) {
  let arrived = 0;
  let directiveFor: (arrival: number) => string = () => "";
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8").replaceAll(SCENARIO_SLOT, directiveFor(++arrived));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (!["host", "content-length", "connection"].includes(name) && typeof value === "string") headers[name] = value;
    // The gateway cancelling a call closes this response: pass that on, so the fake sees its client leave.
    const abort = new AbortController();
    response.on("close", () => abort.abort());
    try {
      const upstream = await fetch(`${targetUrl}${request.url}`, { method: request.method, headers, body, signal: abort.signal });
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      response.flushHeaders();
      if (upstream.body) for await (const chunk of upstream.body) response.write(chunk);
      response.end();
    } catch {
      response.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Directives from now on: `choose(1)` for the next request to arrive, `choose(2)` for the one after, … */
    plan(choose: (arrival: number) => string): void {
      arrived = 0;
      directiveFor = choose;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
