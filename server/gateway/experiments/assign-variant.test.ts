import { describe, expect, test } from "vitest";
import { createStaticConfigSource, type KeyEntry } from "../config/config-source";
import type { ChatRequest } from "../types";
import { assignVariant, pickVariant, SUBJECT_HEADER, toExperimentEntry } from "./assign-variant";

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

describe("scope", () => {
  const scoped = toExperimentEntry({ ...experiment, scope: { key_ids: ["key-1"], team_ids: ["team-9"] } });
  const scopedConfig = createStaticConfigSource({ keys: [], models: [], experiments: [scoped] });

  test("empty lists mean every key; listed keys and keys of listed teams are assigned, others never", () => {
    expect(toExperimentEntry({ ...experiment, scope: { key_ids: [], team_ids: [] } }).scope).toBeUndefined();
    const other = { ...key, id: "key-2" };
    const ofTeam = { ...key, id: "key-3", teamId: "team-9" };
    const ofOtherTeam = { ...key, id: "key-4", teamId: "team-8" };
    for (let user = 0; user < 200; user++) {
      expect(assignVariant(scopedConfig, key, request(`u${user}`), noHeaders).experiment).toBeDefined();
      expect(assignVariant(scopedConfig, ofTeam, request(`u${user}`), noHeaders).experiment).toBeDefined();
      for (const outside of [other, ofOtherTeam]) {
        const assigned = assignVariant(scopedConfig, outside, request(`u${user}`), noHeaders);
        expect(assigned.experiment).toBeUndefined();
        expect(assigned.chatRequest.model).toBe("chat");
      }
    }
  });

  test("in scope, a user gets the same variant as without a scope", () => {
    for (let user = 0; user < 100; user++) expect(assignVariant(scopedConfig, key, request(`u${user}`), noHeaders).experiment).toEqual(assignVariant(config, key, request(`u${user}`), noHeaders).experiment);
  });
});

describe("weight changes move only the buckets between the old and new edges", () => {
  test("50/50 → 60/40: every user of a stays, exactly the users of buckets 5000–5999 move from b to a", () => {
    const after = { ...experiment, variants: [{ name: "a", weight: 60, target: "model-a" }, { name: "b", weight: 40, target: "model-b" }] };
    let moved = 0;
    for (let user = 0; user < 5000; user++) {
      const before = pickVariant(experiment, `u${user}`)!.name;
      const now = pickVariant(after, `u${user}`)!.name;
      if (before === "a") expect(now).toBe("a");
      if (before !== now) moved++;
    }
    expect(moved / 5000).toBeGreaterThan(0.08);
    expect(moved / 5000).toBeLessThan(0.12);
  });

  test("three variants, 34/33/33 → 50/25/25: a user moves only to the variant before theirs", () => {
    const three = (weights: number[]) => ({ ...experiment, variants: weights.map((weight, index) => ({ name: `v${index}`, weight, target: `m${index}` })) });
    const [before, after] = [three([34, 33, 33]), three([50, 25, 25])];
    for (let user = 0; user < 3000; user++) {
      const from = Number(pickVariant(before, `u${user}`)!.name.slice(1));
      const to = Number(pickVariant(after, `u${user}`)!.name.slice(1));
      expect(from - to === 0 || from - to === 1).toBe(true);
    }
  });
});
