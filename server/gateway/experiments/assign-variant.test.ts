import { describe, expect, test } from "vitest";
import { createStaticConfigSource, type KeyEntry } from "../config/config-source";
import type { ChatRequest } from "../types";
import { assignVariant, pickVariant, SUBJECT_HEADER } from "./assign-variant";

const experiment = { id: "11111111-1111-4111-8111-111111111111", orgId: "org", name: "e", model: "chat", variants: [{ name: "a", weight: 50, target: "model-a" }, { name: "b", weight: 50, target: "model-b" }] };
const key: KeyEntry = { id: "key-1", orgId: "org", teamId: null, name: "k", prefix: "p", hash: "h", allowedModels: null, expiresAt: null };
const config = createStaticConfigSource({ keys: [], models: [], experiments: [experiment] });
const request = (user?: string) => ({ model: "chat", messages: [{ role: "user", content: "hi" }], ...(user ? { user } : {}) }) as ChatRequest;
const noHeaders = { header: () => undefined };

describe("assignVariant", () => {
  test("sticky per end user, and about 50/50 over 4000 users", () => {
    let onA = 0;
    for (let user = 0; user < 4000; user++) {
      const first = assignVariant(config, key, request(`u${user}`), noHeaders);
      expect(assignVariant(config, key, request(`u${user}`), noHeaders).experiment).toEqual(first.experiment);
      if (first.experiment?.variant === "a") onA++;
    }
    expect(onA / 4000).toBeGreaterThan(0.47);
    expect(onA / 4000).toBeLessThan(0.53);
  });

  test("the variant's target becomes the model; without `user` the subject header, else the key, decides", () => {
    const assigned = assignVariant(config, key, request("alice"), noHeaders);
    expect(assigned.chatRequest.model).toBe(assigned.experiment!.variant === "a" ? "model-a" : "model-b");
    const byHeader = assignVariant(config, key, request(), { header: (name) => (name === SUBJECT_HEADER ? "alice" : undefined) });
    expect(byHeader.experiment).toEqual(assigned.experiment);
    const byKey = assignVariant(config, key, request(), noHeaders);
    expect(byKey.experiment?.variant).toBe(pickVariant(experiment, `key:${key.id}`)!.name);
  });

  test("weights decide the shares (90/10 within ±2 %)", () => {
    const skewed = { ...experiment, variants: [{ name: "a", weight: 90, target: "model-a" }, { name: "b", weight: 10, target: "model-b" }] };
    let onB = 0;
    for (let user = 0; user < 5000; user++) if (pickVariant(skewed, `user-${user}`)!.name === "b") onB++;
    expect(onB / 5000).toBeGreaterThan(0.08);
    expect(onB / 5000).toBeLessThan(0.12);
  });

  test("a key that may not use the experiment's model or a variant's target is not assigned", () => {
    const narrow = { ...key, allowedModels: new Set(["chat", "model-a"]) };
    for (let user = 0; user < 50; user++) {
      const assigned = assignVariant(config, narrow, request(`u${user}`), noHeaders);
      expect(assigned.experiment?.variant ?? "none").not.toBe("b");
      if (!assigned.experiment) expect(assigned.chatRequest.model).toBe("chat");
    }
    expect(assignVariant(config, { ...key, allowedModels: new Set(["model-a"]) }, request("x"), noHeaders).experiment).toBeUndefined();
    expect(assignVariant(config, key, { ...request("x"), model: "other" }, noHeaders).experiment).toBeUndefined();
  });
});
