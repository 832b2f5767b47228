import { measurePrompt } from "../prompt-size";
import type { ChatRequest } from "../types";

/** Tokens an image part is counted as for the context-window check (a high-detail image's upper range). */
const IMAGE_TOKENS = 1000;
/** Output tokens assumed for the cost estimate when the request sets no max_tokens. */
export const ASSUMED_OUTPUT_TOKENS = 256;

/** What a deployment must be able to take for this request (README "Model groups and routing", candidate filtering). */
export interface RequestNeeds {
  /** Estimated prompt tokens (~4 characters a token, images at IMAGE_TOKENS, tool definitions included). */
  promptTokens: number;
  /** max_completion_tokens / max_tokens as the caller set it; null: not set. */
  maxTokens: number | null;
  tools: boolean;
  images: boolean;
  structuredOutput: boolean;
  /** Choices asked for (n). */
  choices: number;
}

export function readRequestNeeds(request: ChatRequest): RequestNeeds {
  const size = measurePrompt(request);
  const toolCharacters = request.tools ? JSON.stringify(request.tools).length : 0;
  return {
    promptTokens: Math.ceil((size.characters + toolCharacters) / 4) + size.images * IMAGE_TOKENS + size.messages * 4,
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? null,
    tools: (request.tools?.length ?? 0) > 0,
    images: size.images > 0,
    structuredOutput: request.response_format?.type === "json_schema",
    choices: request.n ?? 1,
  };
}
