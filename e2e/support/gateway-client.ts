import type { APIRequestContext } from "@playwright/test";
import { e2eEnv } from "./e2e-env";

/** Admin-API helpers for the api specs. */
export function adminHeaders() {
  return { authorization: `Bearer ${e2eEnv().adminKey}`, "content-type": "application/json" };
}

export async function createKey(request: APIRequestContext, body: Record<string, unknown> = {}): Promise<{ key: string; id: string; keyPrefix: string }> {
  const response = await request.post("/api/admin/keys", { headers: adminHeaders(), data: { name: `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, ...body } });
  if (response.status() !== 201) throw new Error(`key creation failed: ${response.status()} ${await response.text()}`);
  return response.json();
}

/** Polls the ledger (rows are written in batches off the response path). */
export async function ledgerRow(request: APIRequestContext, requestId: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request.get(`/api/admin/requests/${requestId}`, { headers: adminHeaders() });
    if (response.ok()) return response.json();
    if (Date.now() > deadline) throw new Error(`no ledger row for ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function ledgerRowsForKey(request: APIRequestContext, keyId: string): Promise<Record<string, unknown>[]> {
  const response = await request.get(`/api/admin/requests?key_id=${keyId}&limit=100`, { headers: adminHeaders() });
  return (await response.json()).data;
}

export async function fakeRequests(fakeUrl: string): Promise<{ path: string; body: Record<string, unknown>; headers: Record<string, string>; outcome: string; query: Record<string, string> }[]> {
  const response = await fetch(`${fakeUrl}/__fake/requests`);
  return response.json();
}

/** How many requests the fake recorded whose JSON body contains `text` (requests without a body, such as GETs, count as none). */
export async function countFakeRequestsContaining(fakeUrl: string, text: string): Promise<number> {
  return (await fakeRequests(fakeUrl)).filter((recorded) => recorded.body !== undefined && JSON.stringify(recorded.body).includes(text)).length;
}

/** Splits an SSE body into its data payloads. */
export function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n"))
    .filter((data) => data.length > 0);
}
