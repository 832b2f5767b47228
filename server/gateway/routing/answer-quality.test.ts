import { describe, expect, test } from "vitest";
import type { ModelEntry } from "../config/config-source";
import type { EventReader } from "../stream/run-stream";
import type { ChatResult, StreamEvent } from "../types";
import { judgeResult, tapQuality, type AnswerQuality } from "./answer-quality";
import type { DeploymentEntry } from "./group-entry";
import { orderDeployments } from "./order-deployments";
import { QUALITY_WINDOW_MS } from "./quality-window";
import { RoutingState, type LocalRoutingEvent } from "./routing-state";

const answer = (choice: Partial<ChatResult["choices"][number]>): ChatResult => ({ choices: [{ index: 0, text: "ok", finishReason: "stop", ...choice } as ChatResult["choices"][number]] });
const good: AnswerQuality = { empty: false, invalidToolArguments: false, truncated: false };
const empty: AnswerQuality = { ...good, empty: true };

describe("judgeResult", () => {
  const cases: [string, ChatResult, AnswerQuality][] = [
    ["a plain answer", answer({}), good],
    ["no text and no tool call", answer({ text: "" }), empty],
    ["a tool call with JSON object arguments", answer({ text: null as never, toolCalls: [{ id: "c", name: "f", arguments: '{"a":1}' }] }), good],
    ["a tool call whose arguments are not JSON", answer({ toolCalls: [{ id: "c", name: "f", arguments: '{"a":' }] }), { ...good, invalidToolArguments: true }],
    ["a tool call whose arguments are a JSON array", answer({ toolCalls: [{ id: "c", name: "f", arguments: "[1]" }] }), { ...good, invalidToolArguments: true }],
    ["finish_reason length", answer({ finishReason: "length" }), { ...good, truncated: true }],
  ];
  test.each(cases)("%s", (_label, result, expected) => expect(judgeResult(result)).toEqual(expected));
});

describe("tapQuality", () => {
  const readerOf = (events: StreamEvent[]): EventReader => {
    let index = 0;
    return { read: async () => (index < events.length ? { done: false, value: events[index++] } : { done: true, value: undefined }), cancel: async () => {} };
  };
  async function judged(first: StreamEvent, rest: StreamEvent[]): Promise<AnswerQuality[]> {
    const reports: AnswerQuality[] = [];
    const reader = tapQuality(readerOf(rest), first, (quality) => reports.push(quality));
    while (!(await reader.read()).done);
    return reports;
  }

  test("a stream is judged once, on its finish: tool-call arguments are joined across deltas before parsing", async () => {
    const call = (argumentsDelta: string): StreamEvent => ({ type: "tool-call-delta", toolIndex: 0, argumentsDelta });
    expect(await judged(call('{"city":'), [call('"Paris"}'), { type: "finish", finishReasons: ["tool_calls"] }])).toEqual([good]);
    expect(await judged(call('{"city":'), [call('"Par'), { type: "finish", finishReasons: ["length"] }])).toEqual([{ empty: false, invalidToolArguments: true, truncated: true }]);
    expect(await judged({ type: "text-delta", text: "" }, [{ type: "finish", finishReasons: ["stop"] }])).toEqual([empty]);
  });

  test("a stream that fails is not a quality sample (the circuit breaker counts it)", async () => {
    expect(await judged({ type: "text-delta", text: "Hi" }, [{ type: "error", error: { kind: "stream_cut", provider: "openai" } }])).toEqual([]);
  });
});

describe("quality in the health score (deterministic clock)", () => {
  const deployment = (id: string, priority: number): DeploymentEntry =>
    ({ id, group: "g", model: { id: `model-${id}`, name: id, prices: [] } as unknown as ModelEntry, healthKey: `model-${id}`, weight: 1, priority, overrides: {}, supports: { tools: true, images: true, structured_output: true } }) as DeploymentEntry;
  const subject = (entry: DeploymentEntry) => ({ key: entry.healthKey, deployment: entry.id, group: { id: "g1", orgId: "o1", name: "chat" } });
  const order = (state: RoutingState, list: DeploymentEntry[]) =>
    orderDeployments("priority", list, { state, needs: { promptTokens: 10, maxTokens: 10, tools: false, images: false, structuredOutput: false, choices: 1 }, stream: false, random: () => 0.5, at: 0 });

  test("poor answers demote a deployment behind the healthy one with one timeline event; good answers and time restore it", () => {
    let now = 1_000_000;
    const state = new RoutingState(() => now);
    const events: LocalRoutingEvent[] = [];
    state.record = (event) => events.push(event);
    const [primary, backup] = [deployment("primary", 0), deployment("backup", 1)];
    const list = [primary, backup];

    // 4 answers: too few to judge, even all poor.
    for (let index = 0; index < 4; index++) state.observeQuality(subject(primary), index % 2 ? empty : { ...good, truncated: true });
    expect(order(state, list).map((entry) => entry.deployment.id)).toEqual(["primary", "backup"]);
    // The 5th poor answer: 5 of 5, demoted; the priority order flips and the note says why.
    state.observeQuality(subject(primary), { ...good, invalidToolArguments: true });
    const demoted = order(state, list);
    expect(demoted.map((entry) => entry.deployment.id)).toEqual(["backup", "primary"]);
    expect(demoted[1].note).toBe("demoted for quality (5 of 5 recent answers poor: 2 empty, 1 invalid tool-call JSON, 2 cut by length)");
    expect(events).toEqual([
      { at: now, deployment: "primary", kind: "quality", reason: "demoted for quality: 5 of 5 recent answers poor: 2 empty, 1 invalid tool-call JSON, 2 cut by length", subject: subject(primary) },
    ]);
    // Another poor one changes nothing on the timeline (one event per change).
    state.observeQuality(subject(primary), empty);
    expect(events).toHaveLength(1);
    // Good answers bring the poor share under half: restored, with a second event.
    for (let index = 0; index < 7; index++) state.observeQuality(subject(primary), good);
    expect(events.map((event) => event.reason)).toEqual([expect.stringMatching(/^demoted for quality/), "quality restored: 6 of 13 recent answers poor: 3 empty, 1 invalid tool-call JSON, 2 cut by length"]);
    expect(order(state, list)[0].deployment.id).toBe("primary");

    // Demoted again, then old answers age out of the window: judged on recent ones only, no longer demoted.
    for (let index = 0; index < 10; index++) state.observeQuality(subject(primary), empty);
    expect(order(state, list)[0].deployment.id).toBe("backup");
    now += QUALITY_WINDOW_MS;
    expect(order(state, list)[0].deployment.id).toBe("primary");
    // A cool-down still goes after a quality demotion.
    for (let index = 0; index < 5; index++) state.observeQuality(subject(backup), empty);
    state.coolDown(subject(primary), now + 1000, "429");
    expect(order(state, list).map((entry) => [entry.deployment.id, entry.note?.split(" (")[0]])).toEqual([
      ["backup", "demoted for quality"],
      ["primary", "cooling down after a 429"],
    ]);
  });
});
