import type { Target } from "@/server/gateway/types";

/** The Anthropic connection the adapter tests build against (shared by anthropic-*.test.ts). */
export const anthropicTestTarget: Target = {
  provider: "anthropic",
  connectionId: "conn_anthropic",
  baseUrl: "https://api.anthropic.com/v1",
  apiKey: "sk-ant-test-key",
  upstreamModel: "claude-sonnet-4-5-20250929",
  modelName: "claude-sonnet",
};

/** The same model as Claude on Vertex AI (project p-123456, us-east5). */
export const vertexClaudeTestTarget: Target = {
  ...anthropicTestTarget,
  provider: "vertex",
  baseUrl: "https://us-east5-aiplatform.googleapis.com/v1/projects/p-123456/locations/us-east5",
  upstreamModel: "claude-sonnet-4-5@20250929",
};
