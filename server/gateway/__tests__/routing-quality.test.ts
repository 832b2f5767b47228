import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RouteTraceValue } from "@/db/schema/route-trace";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "@/e2e/fakes/routing-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { groupDefinitionSchema } from "../routing/group-schema";
import { RoutingState } from "../routing/routing-state";
import { makeKey, makeModel, ORG, startTestGateway } from "./harness";

// Quality signals through the pipeline: a deployment answering 200 with empty completions is demoted behind the
// healthy one after QUALITY_MIN_SAMPLES answers, with a routing event, stream and non-stream answers both counted.
let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const routing = new RoutingState();
const key = makeKey();

beforeAll(async () => {
  fake = await startRoutingFake();
  const models = [makeModel("hollow", "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, "empty-a"), makeModel("healthy", "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, "ok-b")];
  const definition = groupDefinitionSchema.parse({ strategy: "priority", deployments: [{ id: "hollow", model: "hollow", priority: 0 }, { id: "healthy", model: "healthy", priority: 1 }] });
  gateway = await startTestGateway({ keys: [key.entry], models, groups: [{ id: crypto.randomUUID(), orgId: ORG, name: "judged", version: 1, definition }], routing });
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});

async function chat(stream: boolean) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "judged", stream, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response;
}

describe("quality signals in routing", () => {
  test("five empty completions demote the deployment: the sixth request goes to the healthy one first, the trace and the timeline say why", async () => {
    for (const stream of [false, true, false, true, false]) expect((await chat(stream)).headers.get("x-modelgate-deployment")).toBe("hollow");
    const response = await chat(false);
    expect(response.headers.get("x-modelgate-deployment")).toBe("healthy");
    expect(response.headers.get("x-modelgate-attempts")).toBe("1");
    await gateway.waitForRows(6);
    const trace = gateway.rows.find((row) => row.id === response.headers.get("x-request-id"))!.routing as RouteTraceValue;
    expect(trace.candidates.find((candidate) => candidate.deployment === "hollow")).toMatchObject({ rank: 2, note: "demoted for quality (5 of 5 recent answers poor: 5 empty)" });
    expect(routing.events.filter((event) => event.kind === "quality")).toEqual([expect.objectContaining({ deployment: "hollow", reason: "demoted for quality: 5 of 5 recent answers poor: 5 empty" })]);
  });
});
