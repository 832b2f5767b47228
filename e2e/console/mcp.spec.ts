/**
 * The MCP console flow of issue 13: add a server → Test connection → approve its tools → grant them to a key →
 * list and call with that key through POST /mcp (the 2.x SDK client) → see the call row on the page.
 */
import { expect, test } from "@playwright/test";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startFakeMcpUpstream, type FakeMcpUpstream } from "../fakes/mcp-upstream-fake";
import { shot, signInAsOwner } from "../support/console-session";

let upstream: FakeMcpUpstream;
test.beforeAll(async () => {
  upstream = await startFakeMcpUpstream({ era: "modern" });
});
test.afterAll(async () => upstream?.close());

test("add server, approve tools, grant to a key, call it, see the call", async ({ page, baseURL }) => {
  await signInAsOwner(page);

  await page.goto("/keys");
  await page.getByRole("button", { name: "Create key" }).click();
  const keyDialog = page.getByRole("dialog", { name: "Create key" });
  await keyDialog.getByLabel("Name").fill("mcp-agent");
  await keyDialog.getByRole("button", { name: "Create key" }).click();
  const created = page.getByRole("dialog", { name: /created/ });
  const key = (await created.getByTestId("created-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^vk_/);
  await created.getByRole("button", { name: "Done" }).click();

  await page.goto("/mcp-servers");
  await page.getByRole("button", { name: "Add server" }).click();
  const form = page.getByRole("dialog", { name: "Add MCP server" });
  await form.getByLabel("Slug").fill("tools");
  await form.getByLabel("Name").fill("Team tools");
  await form.getByLabel("URL").fill(upstream.url);
  await form.getByRole("button", { name: "Add server" }).click();
  const row = page.getByTestId("mcp-server-row").filter({ hasText: "tools" });
  await row.getByRole("button", { name: "Test connection" }).click();
  await expect(row.getByTestId("mcp-server-status")).toContainText("4 tools listed");
  await expect(page.getByTestId("mcp-tool-row").filter({ hasText: "has space" })).toContainText("cannot be exposed");

  for (const tool of ["tools__add", "tools__echo"]) {
    await page.getByRole("button", { name: `Approve ${tool}` }).click();
    await expect(page.getByTestId("mcp-tool-row").filter({ hasText: tool })).toContainText("approved");
  }

  const grant = page.getByRole("form", { name: "Add grant" });
  await grant.getByLabel("Key", { exact: true }).selectOption({ label: "mcp-agent" });
  await grant.getByLabel("Server").selectOption({ label: "tools" });
  await grant.getByLabel("Cost per call").fill("0.001");
  await grant.getByRole("button", { name: "Grant" }).click();
  await expect(page.getByTestId("mcp-grant-row")).toContainText("mcp-agent");
  await shot(page, "mcp-servers");

  const client = new Client({ name: "e2e", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", baseURL), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  await expect.poll(async () => (await client.listTools()).tools.map((tool) => tool.name), { timeout: 10_000 }).toEqual(["tools__add", "tools__echo"]);
  const result = await client.callTool({ name: "tools__add", arguments: { a: 20, b: 22 } });
  expect(result.content).toEqual([{ type: "text", text: "42" }]);
  await client.close();

  await page.reload();
  const call = page.getByTestId("mcp-call-row").filter({ hasText: "tools__add" });
  await expect(call).toContainText("ok", { timeout: 15_000 });
  await shot(page, "mcp-activity");
});
