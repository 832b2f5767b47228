import { expect, test } from "vitest";
import { promptCacheUsage } from "./anthropic-prompt-cache";

const long = "Policy clause number one applies. ".repeat(200); // ~1,700 tokens at 4 characters a token
const request = (question: string, marked = true) => ({
  system: [{ type: "text", text: long, ...(marked ? { cache_control: { type: "ephemeral" } } : {}) }],
  messages: [{ role: "user", content: question }],
});

test("first sight writes the marked prefix, the second reads it, the question stays input", () => {
  const first = promptCacheUsage(request("Refund window? [[unique-1]]"), 1_000);
  expect(first.cache_creation_input_tokens).toBeGreaterThan(1024);
  expect(first.cache_read_input_tokens).toBe(0);
  expect(first.cache_creation).toEqual({ ephemeral_5m_input_tokens: first.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 });
  const second = promptCacheUsage(request("Gift returns? [[unique-1]]"), 2_000);
  expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
  expect(second.cache_creation_input_tokens).toBe(0);
  expect(second.input_tokens).toBeGreaterThan(0);
});

test("without a breakpoint nothing is cached; after the ttl it is written again", () => {
  const plain = promptCacheUsage(request("Q [[unique-2]]", false), 1_000);
  expect(plain).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  const distinct = { ...request("Q"), system: [{ type: "text", text: `${long} [[unique-3]]`, cache_control: { type: "ephemeral" } }] };
  promptCacheUsage(distinct, 1_000);
  expect(promptCacheUsage(distinct, 1_000 + 5 * 60_000 + 1).cache_read_input_tokens).toBe(0);
});

test("a prefix below the 1024-token minimum is not cached", () => {
  const short = { system: [{ type: "text", text: "Be brief. [[unique-4]]", cache_control: { type: "ephemeral" } }], messages: [{ role: "user", content: "Hi" }] };
  promptCacheUsage(short, 1_000);
  expect(promptCacheUsage(short, 2_000)).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
});

test("lookback: the next turn reads the previous turn's last-message breakpoint from a later breakpoint", () => {
  const mark = { cache_control: { type: "ephemeral" } };
  const turn1 = { system: [{ type: "text", text: `${long} [[unique-5]]` }], messages: [{ role: "user", content: [{ type: "text", text: "Q1", ...mark }] }] };
  const written = promptCacheUsage(turn1, 1_000).cache_creation_input_tokens;
  const turn2 = { ...turn1, messages: [{ role: "user", content: [{ type: "text", text: "Q1" }] }, { role: "assistant", content: "A1" }, { role: "user", content: [{ type: "text", text: "Q2", ...mark }] }] };
  const second = promptCacheUsage(turn2, 2_000);
  expect(second.cache_read_input_tokens).toBe(written);
  expect(second.cache_creation_input_tokens).toBeGreaterThan(0);
  expect(second.cache_creation_input_tokens).toBeLessThan(40); // the new assistant and user blocks only
});
