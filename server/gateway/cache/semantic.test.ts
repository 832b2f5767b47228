import { describe, expect, test } from "vitest";
import type { ChatRequest } from "../types";
import type { CacheKeyScope } from "./cache-key";
import { computeCacheKey } from "./cache-key";
import { cosineSimilarity, mostSimilar, paramsHash, visibleText } from "./semantic";

const scope: CacheKeyScope = { orgId: "org-a", endpoint: "/v1/chat/completions", target: "model:m1:gpt-4o-mini" };
const base: ChatRequest = { model: "mini", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: [{ type: "text", text: "Where is my parcel?" }] }] };

describe("what takes part in the similarity", () => {
  test("the messages' text, by role", () => {
    expect(visibleText(base)).toBe("system: Be brief.\nuser: Where is my parcel?");
  });

  test("the parameters hash ignores the text only", () => {
    const reworded: ChatRequest = { ...base, messages: [{ role: "system", content: "Be short." }, { role: "user", content: [{ type: "text", text: "Where's my package?" }] }] };
    expect(paramsHash(scope, reworded)).toBe(paramsHash(scope, base));
    expect(paramsHash(scope, base)).not.toBe(computeCacheKey(scope, base));
  });

  test.each<[string, ChatRequest | CacheKeyScope]>([
    ["a parameter", { ...base, temperature: 0.5 }],
    ["tools", { ...base, tools: [{ type: "function", function: { name: "track" } }] }],
    ["a message more", { ...base, messages: [...base.messages, { role: "user", content: "?" }] }],
    ["a role", { ...base, messages: [{ role: "developer", content: "Be brief." }, base.messages[1]] }],
    ["an image", { ...base, messages: [base.messages[0], { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/p.png" } }] }] }],
    ["another model", { ...base, model: "other" }],
  ])("%s changes the parameters hash", (_what, changed) => {
    expect(paramsHash(scope, changed as ChatRequest)).not.toBe(paramsHash(scope, base));
  });

  test("another org or key changes it", () => {
    expect(paramsHash({ ...scope, orgId: "org-b" }, base)).not.toBe(paramsHash(scope, base));
    expect(paramsHash({ ...scope, keyId: "k" }, base)).not.toBe(paramsHash(scope, base));
  });
});

describe("similarity", () => {
  test("cosine", () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 1], [2, 2])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [1, 0, 0])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });

  test("the closest candidate at or above the threshold wins; none below it", () => {
    const candidates = [
      { hash: "far", vector: [0, 1] },
      { hash: "near", vector: [1, 0.1] },
      { hash: "nearest", vector: [1, 0.01] },
    ];
    expect(mostSimilar([1, 0], candidates, 0.95)?.hash).toBe("nearest");
    expect(mostSimilar([0.5, 0.5], candidates, 0.99)).toBeUndefined();
    expect(mostSimilar([1, 0], [], 0.5)).toBeUndefined();
  });
});
