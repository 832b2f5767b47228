/**
 * Context-window management through the pipeline (README "Context-window management"), against the OpenAI fake,
 * which refuses a prompt over gpt-4's 8,192-token window: what is sent, the ledger rows (a summary is a child row),
 * and the org's policies applied to the summarizing model too.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { createMemorySummaryStore } from "../context/summary-store";
import { decimalToPicos } from "../pricing";
import { makeKey, makeModel, postJson, startTestGateway } from "./harness";

let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const euKey = makeKey({ region: "eu-west-1" });

function conversation(tag: string, turns = 16) {
  const messages: { role: string; content: string }[] = [{ role: "system", content: `The ${tag} assistant.` }];
  for (let n = 1; n <= turns; n++) messages.push({ role: "user", content: `${tag} ${n} ` + "alpha beta gamma delta epsilon ".repeat(120) }, { role: "assistant", content: `answer ${n}` });
  messages.push({ role: "user", content: `${tag}: latest?` });
  return messages;
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  const model = (name: string, upstream: string, window: number, extra: object = {}) => ({ ...makeModel(name, "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, upstream), contextWindow: window, ...extra });
  gateway = await startTestGateway({
    keys: [key.entry, euKey.entry],
    models: [
      model("small", "gpt-4", 8192, { region: "eu-west-1" }),
      model("cheap-eu", "gpt-4o-mini", 128_000, { region: "eu-west-1" }),
      model("cheap-us", "gpt-4o-mini", 128_000, { region: "us-east-1" }),
      model("summarized", "gpt-4", 8192, { region: "eu-west-1", context: { mode: "summarize", margin_tokens: 256, summarize_model: "cheap-eu", split_overlap_tokens: 200, split_concurrency: 4 } }),
      model("summarized-us", "gpt-4", 8192, { region: "eu-west-1", context: { mode: "summarize", margin_tokens: 256, summarize_model: "cheap-us", split_overlap_tokens: 200, split_concurrency: 4 } }),
    ],
    policyResidency: [{ orgId: key.entry.orgId, regions: ["eu"], callerRegions: ["eu"] }],
  });
  gateway.deps.contextSummaries = createMemorySummaryStore();
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});

const postWithHeader = (token: string, body: unknown, mode: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-modelgate-context": mode }, body: JSON.stringify(body) });
const sent = (tag: string) => fake.received.filter((entry) => JSON.stringify(entry.body).includes(tag));

describe("context-window management in the pipeline", () => {
  test("a small prompt in truncate mode is sent untouched and records nothing (the byte bound settles it)", async () => {
    const response = await postWithHeader(key.token, { model: "small", messages: [{ role: "user", content: "small-prompt hi" }] }, "truncate");
    expect(response.status).toBe(200);
    const id = response.headers.get("x-request-id");
    await expect.poll(() => gateway.rows.find((row) => row.id === id)).toMatchObject({ status: "success", contextTrace: null });
  });

  test("truncate: the fake gets a prompt that fits, the row records the cut", async () => {
    const messages = conversation("pipeline-truncate");
    const response = await postWithHeader(key.token, { model: "small", messages, max_tokens: 100 }, "truncate");
    expect(response.status).toBe(200);
    const body = sent("pipeline-truncate")[0].body as { messages: unknown[] };
    expect(body.messages.length).toBeLessThan(messages.length);
    const id = response.headers.get("x-request-id")!;
    await expect.poll(() => gateway.rows.find((row) => row.id === id)?.contextTrace).toMatchObject({ action: "truncated", family: "cl100k_base", messagesBefore: messages.length, messagesAfter: body.messages.length });
  });

  test("summarize: one child row with parent_id, and the parent's total is its cost plus the child's, exactly", async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, euKey.token, { model: "summarized", messages: conversation("pipeline-summary"), max_tokens: 100 });
    expect(response.status).toBe(200);
    const id = response.headers.get("x-request-id")!;
    await expect.poll(() => gateway.rows.filter((row) => row.id === id || row.parentId === id).length).toBe(2);
    const parent = gateway.rows.find((row) => row.id === id)!;
    const child = gateway.rows.find((row) => row.parentId === id)!;
    expect(child).toMatchObject({ requestedModel: "cheap-eu", status: "success", contextTrace: null });
    expect(parent.contextTrace).toMatchObject({ action: "summarized", children: [child.id], summary: { requestId: child.id, cached: false, costUsd: child.costUsd } });
    expect(decimalToPicos(parent.contextTrace!.totalCostUsd!)).toBe(decimalToPicos(parent.costUsd!) + decimalToPicos(child.costUsd!));
  });

  test("the summarizing model passes the org's policies: residency refuses a US summarizer to an EU caller", async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, euKey.token, { model: "summarized-us", messages: conversation("pipeline-residency"), max_tokens: 100 });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatchObject({ code: "policy_violation", message: expect.stringContaining("cheap-us") });
    expect(sent("pipeline-residency")).toHaveLength(0);
  });
});
