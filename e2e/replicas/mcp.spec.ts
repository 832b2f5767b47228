import { expect, test } from "@playwright/test";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startFakeMcpUpstream, type FakeMcpUpstream } from "../fakes/mcp-upstream-fake";
import { startCluster, within, type Cluster } from "../support/replicas";

/**
 * Issue 13 across replicas: a console and 3 gateway-only replicas (no Next.js) on one PostgreSQL behind a
 * round-robin balancer. An MCP server registered, approved and granted in the console is served by every replica
 * with no session store (a client's consecutive requests land on different replicas), each call is one row, the
 * upstream never sees the caller's key, and a deleted grant stops every replica from serving the key.
 */
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const ADMIN_KEY = "mcp-replicas-admin-key-0123456789abcdef";
let cluster: Cluster;
let upstream: FakeMcpUpstream;
let key: { id: string; key: string };
let grantId: string;

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown> & { [key: string]: unknown }> {
  const response = await fetch(`${cluster.console.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "replicas", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", cluster.balancer.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

test.beforeAll(async () => {
  upstream = await startFakeMcpUpstream({ era: "legacy" });
  cluster = await startCluster({ label: "mcp", adminKey: ADMIN_KEY, portOffset: 20 });
  const server = await admin("POST", "/api/admin/mcp-servers", { slug: "calc", name: "Calculator", url: upstream.url });
  const tested = await admin("POST", `/api/admin/mcp-servers/${server.id}/test`);
  expect(tested).toMatchObject({ ok: true, changes: { added: 2 } });
  const tools = (await admin("GET", `/api/admin/mcp-servers/${server.id}/tools`)) as unknown as { id: string; definitionHash: string }[];
  for (const tool of tools) await admin("POST", `/api/admin/mcp-tools/${tool.id}/approve`, { definition_hash: tool.definitionHash });
  key = (await admin("POST", "/api/admin/keys", { name: "mcp-agent" })) as unknown as { id: string; key: string };
  grantId = String((await admin("POST", "/api/admin/mcp-grants", { subject: "key", subject_id: key.id, server_id: server.id, cost_per_call_usd: "0.0001" })).id);
});

test.afterAll(async () => {
  await cluster?.stop();
  await upstream?.close();
});

test("every replica serves the granted tools; six calls are six rows; no replica forwards the key", async () => {
  await within(10_000, async () => {
    const client = await connect(key.key).catch(() => null);
    if (!client) return false;
    const lists = await Promise.all([0, 1, 2, 3, 4, 5].map(async () => (await client.listTools()).tools.map((tool) => tool.name).join(",")));
    await client.close();
    return lists.every((list) => list === "calc__add,calc__echo");
  });
  const client = await connect(key.key);
  for (let index = 0; index < 6; index++) expect((await client.callTool({ name: "calc__add", arguments: { a: index, b: 40 } })).content).toEqual([{ type: "text", text: String(index + 40) }]);
  await client.close();
  const legacy = new LegacyClient({ name: "legacy", version: "1.0.0" });
  await legacy.connect(new LegacyTransport(new URL("/mcp", cluster.balancer.url), { requestInit: { headers: { authorization: `Bearer ${key.key}` } } }));
  expect((await legacy.callTool({ name: "calc__echo", arguments: { text: "via 1.x" } })).content).toEqual([{ type: "text", text: "echo: via 1.x" }]);
  await legacy.close();

  await within(10_000, async () => {
    const rows = await cluster.database.sql<{ count: number }[]>`select count(*)::int as count from mcp_calls where key_id = ${key.id} and status = 'ok'`;
    return rows[0].count === 7;
  });
  // The ledger rows come from each replica's own usage batch, which may land after its mcp_calls row.
  const ledger = async () => (await cluster.database.sql<{ count: number; cost: string }[]>`select count(*)::int as count, sum(cost_usd)::text as cost from usage_ledger where key_id = ${key.id} and endpoint = '/mcp'`)[0];
  await expect.poll(ledger, { timeout: 10_000 }).toEqual({ count: 7, cost: "0.000700000000" });
  for (const seen of upstream.requests) expect(JSON.stringify(seen.headers)).not.toContain(key.key);
});

test("a deleted grant stops every replica on its next request", async () => {
  await admin("DELETE", `/api/admin/mcp-grants/${grantId}`);
  const elapsed = await within(10_000, async () => {
    const statuses = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async () => {
        const response = await fetch(`${cluster.balancer.url}/mcp`, {
          method: "POST",
          headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
        });
        await response.body?.cancel();
        return response.status;
      }),
    );
    return statuses.every((status) => status === 403);
  });
  expect(elapsed).toBeLessThan(5_000);
});
