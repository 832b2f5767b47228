/**
 * The fake Bedrock runtime's CountTokens route (POST /model/{modelId}/count-tokens), served by bedrock-fake.ts after it
 * has verified the SigV4 signature.
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html (body {"input": CountTokensInput}
 *     → {"inputTokens"}; errors ValidationException 400, AccessDeniedException 403, ThrottlingException 429, …)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokensInput.html (a union: exactly one of
 *     converse | invokeModel)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseTokensRequest.html (messages, system,
 *     toolConfig, additionalModelRequestFields — no inferenceConfig)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/count-tokens.html (Anthropic Claude models, by foundation model
 *     id; other models and inference-profile ids: ValidationException "The provided model doesn't support counting tokens")
 * The converse input is checked with the Converse validator (roles, blocks, tool pairing); thinking in
 * additionalModelRequestFields needs type and budget_tokens >= 1024 (no maxTokens here). The count is deterministic:
 * fakeBedrockCountTokens(converse). [[fake:error:NNN]] answers NNN like the Converse route.
 */
type Json = Record<string, unknown>;
export type CountAnswer = { ok: true; body: Json } | { ok: false; status: number; type: string; message: string } | { ok: "scenario" };

export const FAKE_BEDROCK_COUNT_MODELS = ["anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"];
/** A Bedrock Claude model the count-tokens page does not list: the fake says it cannot be counted. */
export const FAKE_BEDROCK_UNCOUNTED_CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";
const UNSUPPORTED = "The provided model doesn't support counting tokens.";

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const invalid = (message: string): CountAnswer => ({ ok: false, status: 400, type: "ValidationException", message });
const extraneous = (key: string, path: string) => `Malformed input request: extraneous key [${key}] is not permitted at ${path}, please reformat your input and try again.`;

/** One token per 4 characters of the system prompt, messages and tool configuration (as JSON), rounded up. */
export function fakeBedrockCountTokens(converse: { system?: unknown; messages?: unknown; toolConfig?: unknown }): number {
  return Math.ceil(JSON.stringify({ system: converse.system ?? null, messages: converse.messages ?? null, toolConfig: converse.toolConfig ?? null }).length / 4);
}

function thinkingProblem(fields: unknown): string | undefined {
  if (fields === undefined) return undefined;
  if (!isObject(fields)) return "additionalModelRequestFields must be an object.";
  const key = Object.keys(fields).find((name) => name !== "thinking");
  if (key) return extraneous(key, "additionalModelRequestFields");
  const thinking = fields.thinking;
  if (thinking === undefined) return undefined;
  if (!isObject(thinking) || (thinking.type !== "enabled" && thinking.type !== "disabled")) return "The model returned the following errors: thinking.type: Input should be 'enabled' or 'disabled'";
  if (thinking.type === "enabled" && (!Number.isInteger(thinking.budget_tokens) || (thinking.budget_tokens as number) < 1024)) {
    return "The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
  }
  return undefined;
}

/**
 * Validates a CountTokens call and counts it. `knownModels` are the fake's chat models (a known model that cannot be
 * counted gets Bedrock's "doesn't support" answer); `validateConverse` throws with Bedrock's message on a bad input.
 */
export function countTokens(modelId: string, body: unknown, knownModels: string[], validateConverse: (converse: unknown) => void, isErrorScenario: boolean): CountAnswer {
  if (!FAKE_BEDROCK_COUNT_MODELS.includes(modelId)) {
    return invalid(knownModels.includes(modelId) || modelId === FAKE_BEDROCK_UNCOUNTED_CLAUDE ? UNSUPPORTED : "The provided model identifier is invalid.");
  }
  if (!isObject(body)) return invalid("Malformed input request, please reformat your input and try again.");
  const key = Object.keys(body).find((name) => name !== "input");
  if (key) return invalid(extraneous(key, "request"));
  const input = body.input;
  if (!isObject(input) || Object.keys(input).length !== 1 || !["converse", "invokeModel"].includes(Object.keys(input)[0])) return invalid("input must set exactly one member of the union: converse or invokeModel.");
  if (!isObject(input.converse)) return invalid("This fake counts converse inputs only.");
  const converse = input.converse;
  const field = Object.keys(converse).find((name) => !["messages", "system", "toolConfig", "additionalModelRequestFields"].includes(name));
  if (field) return invalid(extraneous(field, "input.converse"));
  try {
    validateConverse(converse);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : "Malformed input request.");
  }
  const thinking = thinkingProblem(converse.additionalModelRequestFields);
  if (thinking) return invalid(thinking);
  if (isErrorScenario) return { ok: "scenario" };
  return { ok: true, body: { inputTokens: fakeBedrockCountTokens(converse) } };
}
