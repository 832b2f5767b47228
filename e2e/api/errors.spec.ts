import { expect, test } from "@playwright/test";
import { adminHeaders, createKey, fakeRequests, ledgerRow, ledgerRowsForKey } from "../support/gateway-client";
import { e2eEnv } from "../support/e2e-env";

let key: { key: string; id: string };
test.beforeAll(async ({ request }) => {
  key = await createKey(request, { models: ["gpt-4o-mini"] });
});

const userMessage = [{ role: "user", content: "hi" }];

test.describe("authentication", () => {
  for (const [name, authorization] of [
    ["missing", undefined],
    ["malformed", "Basic abc"],
    ["not a virtual key", "Bearer sk-proj-123"],
    ["unknown", "Bearer vk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  ] as const) {
    test(`${name} key → 401 invalid_api_key, no ledger row`, async ({ request }) => {
      const response = await request.post("/v1/chat/completions", { headers: authorization ? { authorization } : {}, data: { model: "gpt-4o-mini", messages: userMessage } });
      expect(response.status()).toBe(401);
      const body = await response.json();
      expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key", param: null });
      expect(JSON.stringify(body)).not.toContain("vk_AAAA");
    });
  }

  test("a revoked key stops working and writes nothing", async ({ request }) => {
    const revocable = await createKey(request);
    expect((await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${revocable.key}` }, data: { model: "gpt-4o-mini", messages: userMessage } })).status()).toBe(200);
    expect((await request.delete(`/api/admin/keys/${revocable.id}`, { headers: adminHeaders() })).status()).toBe(200);
    await expect
      .poll(async () => (await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${revocable.key}` }, data: { model: "gpt-4o-mini", messages: userMessage } })).status(), { timeout: 5000 })
      .toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await ledgerRowsForKey(request, revocable.id)).toHaveLength(1);
  });
});

test.describe("validation", () => {
  const cases: [string, unknown, number, string, string | null][] = [
    ["not JSON", "{oops", 400, "invalid_json", null],
    ["no messages", { model: "gpt-4o-mini" }, 400, "missing_required_parameter", "messages"],
    ["empty messages", { model: "gpt-4o-mini", messages: [] }, 400, "empty_array", "messages"],
    ["temperature as text", { model: "gpt-4o-mini", messages: userMessage, temperature: "warm" }, 400, "invalid_type", "temperature"],
    ["temperature out of range", { model: "gpt-4o-mini", messages: userMessage, temperature: 3 }, 400, "decimal_above_max_value", "temperature"],
    ["unknown role", { model: "gpt-4o-mini", messages: [{ role: "robot", content: "x" }] }, 400, "invalid_value", "messages[0].role"],
    ["unknown model", { model: "gpt-99", messages: userMessage }, 404, "model_not_found", "model"],
    ["model not allowed for this key", { model: "claude-haiku-4-5", messages: userMessage }, 404, "model_not_found", "model"],
    // Documented limits (README "Request limits").
    ["129 tools", { model: "gpt-4o-mini", messages: userMessage, tools: Array.from({ length: 129 }, (_, index) => ({ type: "function", function: { name: `f${index}` } })) }, 400, "array_above_max_length", "tools"],
    ["5 stop sequences", { model: "gpt-4o-mini", messages: userMessage, stop: ["a", "b", "c", "d", "e"] }, 400, "array_above_max_length", "stop"],
    ["n above 128", { model: "gpt-4o-mini", messages: userMessage, n: 129 }, 400, "integer_above_max_value", "n"],
    ["17 metadata pairs", { model: "gpt-4o-mini", messages: userMessage, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, "v"])) }, 400, "object_above_max_properties", "metadata"],
    ["a logit_bias above 100", { model: "gpt-4o-mini", messages: userMessage, logit_bias: { "50256": 101 } }, 400, "integer_above_max_value", "logit_bias.50256"],
    ["a tool name with a dot", { model: "gpt-4o-mini", messages: userMessage, tools: [{ type: "function", function: { name: "mcp.search" } }] }, 400, "invalid_value", "tools[0].function.name"],
    ["a 257-character model", { model: "m".repeat(257), messages: userMessage }, 400, "string_above_max_length", "model"],
  ];
  for (const [name, data, status, code, param] of cases) {
    test(`${name} → ${status} ${code}`, async ({ request }) => {
      const response = await request.post("/v1/chat/completions", {
        headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
        data: typeof data === "string" ? Buffer.from(data) : data,
      });
      expect(response.status()).toBe(status);
      const body = await response.json();
      expect(body.error).toMatchObject({ code, param });
      expect(response.headers()["x-request-id"]).toMatch(/^req_/);
    });
  }

  const nonce = `e2e-415-${Date.now()}`;
  for (const [name, options] of [
    ["text/plain", { headers: { "content-type": "text/plain" }, data: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: nonce }] }) }],
    ["a form", { form: { model: "gpt-4o-mini", messages: nonce } }],
  ] as const) {
    test(`${name} → 415 unsupported_media_type, one zero-cost ledger row, nothing sent upstream`, async ({ request }) => {
      const response = await request.post("/v1/chat/completions", { ...options, headers: { authorization: `Bearer ${key.key}`, ...("headers" in options ? options.headers : {}) } });
      expect(response.status()).toBe(415);
      expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", code: "unsupported_media_type", param: null });
      expect(await ledgerRow(request, response.headers()["x-request-id"])).toMatchObject({ status: "error", httpStatus: 415, inputTokens: 0, outputTokens: 0, costUsd: "0.000000000000" });
      expect((await fakeRequests(e2eEnv().fakeOpenAIUrl)).some((entry) => JSON.stringify(entry.body ?? "").includes(nonce))).toBe(false);
    });
  }

  test("an unknown long model name is quoted at most 64 characters long", async ({ request }) => {
    const model = `gpt-${"x".repeat(196)}`;
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model, messages: userMessage } });
    expect(response.status()).toBe(404);
    expect((await response.json()).error.message).toBe(`The model \`${model.slice(0, 64)}…\` does not exist or you do not have access to it.`);
  });

  test("a body over the limit → 413", async ({ request }) => {
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(3 * 1024 * 1024) }] } });
    expect(response.status()).toBe(413);
    expect((await response.json()).error.code).toBe("request_too_large");
  });
});

test.describe("upstream errors", () => {
  test("429 keeps Retry-After", async ({ request }) => {
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "[[fake:error:429]]" }] } });
    expect(response.status()).toBe(429);
    expect(Number(response.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await response.json()).error.type).toBe("rate_limit_error");
  });

  test("500 → 502 with no upstream URL, stack or key", async ({ request }) => {
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "[[fake:error:500]]" }] } });
    expect(response.status()).toBe(502);
    const text = await response.text();
    expect(text).not.toMatch(/127\.0\.0\.1|sk-fake|at [\w.]+ \(|postgres/i);
  });

  test("a stalled stream is ended by the idle timeout with an error event", async ({ request }) => {
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "[[fake:stall]]" }] } });
    const text = await response.text();
    expect(text).not.toContain("[DONE]");
    expect(text).toContain('"code":"timeout_idle"');
  });
});

test("GET /v1/models lists the key's models in OpenAI's shape", async ({ request }) => {
  const response = await request.get("/v1/models", { headers: { authorization: `Bearer ${key.key}` } });
  expect(await response.json()).toMatchObject({ object: "list", data: [{ id: "gpt-4o-mini", object: "model", owned_by: "openai" }] });
});
