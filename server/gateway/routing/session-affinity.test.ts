import { describe, expect, test } from "vitest";
import type { ModelEntry } from "../config/config-source";
import type { ChatRequest } from "../types";
import type { DeploymentEntry } from "./group-entry";
import type { OrderedDeployment } from "./order-deployments";
import { applyAffinity, readAffinityKey } from "./session-affinity";

const deployment = (id: string, weight = 1): DeploymentEntry => ({
  id,
  group: "g",
  model: { id: `model-${id}`, name: id } as ModelEntry,
  healthKey: `model-${id}`,
  weight,
  priority: 0,
  overrides: {},
  supports: { tools: true, images: true, structured_output: true },
});
const list = (...entries: DeploymentEntry[]): OrderedDeployment[] => entries.map((entry) => ({ deployment: entry }));
const key = (value: string) => ({ source: "user" as const, value });

describe("applyAffinity", () => {
  test("one conversation always reaches the same deployment, whatever order the strategy produced", () => {
    const [a, b, c] = [deployment("a"), deployment("b"), deployment("c")];
    const first = applyAffinity(list(a, b, c), key("alice"))[0].deployment.id;
    expect(applyAffinity(list(c, a, b), key("alice"))[0].deployment.id).toBe(first);
    expect(applyAffinity(list(b, c, a), key("alice"))[0].deployment.id).toBe(first);
  });

  test("conversations spread by weight (3:1 within ±4 % over 4000 users)", () => {
    const [heavy, light] = [deployment("heavy", 3), deployment("light", 1)];
    let onHeavy = 0;
    for (let user = 0; user < 4000; user++) if (applyAffinity(list(light, heavy), key(`user-${user}`))[0].deployment.id === "heavy") onHeavy++;
    expect(onHeavy / 4000).toBeGreaterThan(0.71);
    expect(onHeavy / 4000).toBeLessThan(0.79);
  });

  test("a demoted deployment (cooling down, saturated) is passed over, and the note says why the winner leads", () => {
    const [a, b] = [deployment("a"), deployment("b")];
    const winner = applyAffinity(list(a, b), key("bob"))[0].deployment;
    const loser = winner === a ? b : a;
    const demoted = applyAffinity([{ deployment: winner, note: "cooling down after a 429" }, { deployment: loser }], key("bob"));
    expect(demoted[0]).toEqual({ deployment: loser, note: "session affinity (user)" });
  });

  test("removing a deployment moves only its own conversations", () => {
    const [a, b, c] = [deployment("a"), deployment("b"), deployment("c")];
    let moved = 0;
    for (let user = 0; user < 600; user++) {
      const before = applyAffinity(list(a, b, c), key(`u${user}`))[0].deployment.id;
      const after = applyAffinity(list(a, b), key(`u${user}`))[0].deployment.id;
      if (before !== "c" && before !== after) moved++;
    }
    expect(moved).toBe(0);
  });
});

describe("readAffinityKey", () => {
  const request = (extra: Record<string, unknown>, messages: unknown[] = [{ role: "user", content: "hi" }]) => ({ model: "m", messages, ...extra }) as unknown as ChatRequest;
  test.each([
    ["user", request({ user: "u-1", prompt_cache_key: "k" }), { source: "user", value: "u-1" }],
    ["prompt_cache_key", request({ prompt_cache_key: "k-1" }), { source: "prompt_cache_key", value: "k-1" }],
    ["a long system prefix", request({}, [{ role: "system", content: "s".repeat(64) }, { role: "user", content: "hi" }]), { source: "prefix", value: "s".repeat(64) }],
    ["a short system prompt", request({}, [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }]), undefined],
    ["nothing", request({}), undefined],
  ])("%s", (_label, input, expected) => {
    expect(readAffinityKey(input)).toEqual(expected);
  });
});
