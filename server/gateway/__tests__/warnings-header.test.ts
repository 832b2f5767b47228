import { afterAll, beforeAll, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { makeKey, makeModel, startTestGateway } from "./harness";

/**
 * Caller-chosen field names become parameter warnings, and warnings go out in `x-modelgate-warnings`.
 * A name with a newline or a huge one must never break the response (Node refuses such a header and used
 * to drop the socket after the provider was called): the header carries header-safe, bounded names only.
 */
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();

beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001")],
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close()]);
});

const odd = { "evil\r\nset-cookie: x=1": 1, ["long".repeat(5_000)]: 2, "ünïcödé": 3 };
const cases = [
  { endpoint: "/v1/messages", body: { model: "mini", max_tokens: 16, messages: [{ role: "user", content: "Hi" }], ...odd } },
  { endpoint: "/v1/chat/completions", body: { model: "haiku", messages: [{ role: "user", content: "Hi" }], ...odd } },
];

for (const { endpoint, body } of cases) {
  test(`${endpoint}: unknown field names with newlines or 20,000 characters still get their answer`, async () => {
    const response = await fetch(`${gateway.url}${endpoint}`, { method: "POST", headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const header = response.headers.get("x-modelgate-warnings")!;
    expect(header).not.toContain("\n");
    expect(header).not.toContain("set-cookie:");
    expect(header.length).toBeLessThanOrEqual(1024);
    expect(header).toMatch(/^[\x20-\x7e]*$/);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(header).toContain("evil__set-cookie__x_1");
    await response.json();
  });
}

test("thousands of unknown fields: the header stays under 1 KB, ASCII, and says how many were left out", async () => {
  const fields = Object.fromEntries(Array.from({ length: 5_000 }, (_, index) => [`unknown_field_${index}`, index]));
  const response = await fetch(`${gateway.url}/v1/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "mini", max_tokens: 16, messages: [{ role: "user", content: "Hi" }], ...fields }),
  });
  expect(response.status).toBe(200);
  const header = response.headers.get("x-modelgate-warnings")!;
  expect(header.length).toBeLessThanOrEqual(1024);
  expect(header).toMatch(/^[\x20-\x7e]*$/);
  expect(header).toMatch(/, \.\.\.and \d+ more$/);
  await response.json();
});
