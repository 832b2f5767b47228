import type { ChatRequest, Target, Warning } from "@/server/gateway/types";
import { createBedrockAdapter } from "./index";

/** Shared by the Bedrock request tests: an adapter with a pinned signing clock, a target and a one-line chat. */
export const bedrockAdapter = createBedrockAdapter({ now: () => new Date("2026-11-27T10:00:00.000Z") });

export const bedrockTarget = (upstreamModel: string): Target => ({
  provider: "bedrock",
  connectionId: "c1",
  baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com",
  apiKey: "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  upstreamModel,
  modelName: "m",
});

export const chat = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({ model: "m", messages: [{ role: "user", content: "Hi" }], ...overrides });

/** The Converse body the adapter builds for `model` (parsed back from JSON) and its warnings. */
export function buildConverse(request: ChatRequest, model: string): { body: Record<string, any>; warnings: Warning[] } { // eslint-disable-line @typescript-eslint/no-explicit-any -- the built JSON
  const built = bedrockAdapter.buildRequest(request, bedrockTarget(model));
  return { body: JSON.parse(built.body), warnings: built.warnings };
}
