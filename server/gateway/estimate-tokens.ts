import type { ChatRequest, Usage } from "./types";

/**
 * Token estimates for requests whose provider sent no usage (aborted or cut streams, or a
 * provider that omits it). o200k_base, the tokenizer of current OpenAI models; for other
 * providers it is an estimate, and the ledger marks it so (tokens_estimated).
 */
let tokenizer: Promise<{ countTokens(text: string): number }> | undefined;

function loadTokenizer() {
  tokenizer ??= import("gpt-tokenizer");
  return tokenizer;
}

// OpenAI's documented chat framing: ~3 tokens per message plus 3 to prime the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;
// A rough flat charge for an image we do not fetch to measure (OpenAI's low-detail cost).
const TOKENS_PER_IMAGE = 85;

export async function estimatePromptTokens(request: ChatRequest): Promise<number> {
  const { countTokens } = await loadTokenizer();
  let total = TOKENS_PER_REPLY;
  for (const message of request.messages) {
    total += TOKENS_PER_MESSAGE;
    const content = "content" in message ? message.content : null;
    if (typeof content === "string") total += countTokens(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === "text") total += countTokens(part.text);
        else if (part.type === "image_url") total += TOKENS_PER_IMAGE;
      }
    }
    if (message.role === "assistant" && message.tool_calls) {
      for (const call of message.tool_calls) total += countTokens(call.function.name) + countTokens(call.function.arguments);
    }
  }
  if (request.tools) total += countTokens(JSON.stringify(request.tools));
  return total;
}

export async function estimateTextTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  const { countTokens } = await loadTokenizer();
  return countTokens(text);
}

/** Fills what the provider did not report; says whether anything was estimated. */
export async function completeUsage(
  reported: Usage | undefined,
  request: ChatRequest | undefined,
  producedText: string,
): Promise<{ usage: Usage; estimated: boolean }> {
  if (reported && reported.inputTokens > 0) return { usage: reported, estimated: false };
  const inputTokens = reported?.inputTokens || (request ? await estimatePromptTokens(request) : 0);
  const outputTokens = reported?.outputTokens || (await estimateTextTokens(producedText));
  return { usage: { ...reported, inputTokens, outputTokens }, estimated: true };
}
