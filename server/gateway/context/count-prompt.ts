import type { ModelEntry } from "../config/config-source";
import { measurePrompt } from "../prompt-size";
import type { ChatMessage, ChatRequest } from "../types";

/**
 * Prompt tokens per model family, counted in this process (never a network call): OpenAI-family models with their
 * own encoding from gpt-tokenizer (o200k_base for GPT-4o, GPT-4.1, GPT-5 and the o-series; cl100k_base for GPT-4,
 * GPT-3.5 and the v3 embeddings), every other model with o200k_base times 1.2, a conservative estimate: Claude,
 * Gemini, Llama, Mistral and Qwen tokenizers give up to ~20 % more tokens than o200k_base on English and code, so
 * the estimate errs on the side of cutting a little more than needed, never of sending an overflow.
 */
export type TokenFamily = "o200k_base" | "cl100k_base" | "estimate";

export interface TokenCounter {
  family: TokenFamily;
  /** Tokens of one text, with the family's factor applied. */
  text(text: string): number;
}

// OpenAI's documented chat framing: ~3 tokens per message plus 3 to prime the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;
/** An image part, counted as a high-detail image's upper range (the same figure as the routing's fit check). */
export const TOKENS_PER_IMAGE = 1000;
/** The other families' estimate: o200k_base × 6/5, rounded up. */
const ESTIMATE_NUMERATOR = 6;
const ESTIMATE_DENOMINATOR = 5;

const OPENAI_PROVIDERS = new Set(["openai", "azure"]);
const CL100K_MODELS = /^(gpt-4(?![o.])|gpt-4-|gpt-3\.5|text-embedding-(3|ada))/;

export function tokenFamilyOf(model: Pick<ModelEntry, "upstreamModel" | "connection">): TokenFamily {
  const upstream = model.upstreamModel.replace(/^openai\//, "");
  const isOpenAI = OPENAI_PROVIDERS.has(model.connection.kind) || /^(gpt-|o\d|chatgpt-)/.test(upstream);
  if (!isOpenAI) return "estimate";
  return CL100K_MODELS.test(upstream) ? "cl100k_base" : "o200k_base";
}

type Encoder = (text: string) => number;
const encoders = new Map<string, Promise<Encoder>>();

function loadEncoder(name: "o200k_base" | "cl100k_base"): Promise<Encoder> {
  let loading = encoders.get(name);
  if (!loading) {
    loading = (name === "cl100k_base" ? import("gpt-tokenizer/encoding/cl100k_base") : import("gpt-tokenizer/encoding/o200k_base")).then((module) => (text: string) => module.countTokens(text));
    encoders.set(name, loading);
  }
  return loading;
}

export async function tokenCounterFor(family: TokenFamily): Promise<TokenCounter> {
  const encode = await loadEncoder(family === "cl100k_base" ? "cl100k_base" : "o200k_base");
  if (family !== "estimate") return { family, text: (text) => (text.length === 0 ? 0 : encode(text)) };
  return { family, text: (text) => (text.length === 0 ? 0 : Math.ceil((encode(text) * ESTIMATE_NUMERATOR) / ESTIMATE_DENOMINATOR)) };
}

/** One message's tokens: its text, its images, its tool calls, and the per-message framing. */
export function countMessageTokens(message: ChatMessage, counter: TokenCounter): number {
  let total = TOKENS_PER_MESSAGE;
  const content = "content" in message ? message.content : null;
  if (typeof content === "string") total += counter.text(content);
  else if (Array.isArray(content)) {
    for (const part of content as { type: string; text?: string }[]) total += typeof part.text === "string" ? counter.text(part.text) : TOKENS_PER_IMAGE;
  }
  if (message.role === "assistant" && message.tool_calls) {
    for (const call of message.tool_calls) total += counter.text(call.function.name) + counter.text(call.function.arguments);
  }
  return total;
}

/** What a request costs beyond its messages: tool definitions and the reply's framing. */
export function countRequestOverhead(request: Pick<ChatRequest, "tools">, counter: TokenCounter): number {
  return TOKENS_PER_REPLY + (request.tools ? counter.text(JSON.stringify(request.tools)) : 0);
}

export function countPromptTokens(request: Pick<ChatRequest, "messages" | "tools">, counter: TokenCounter): number {
  return request.messages.reduce((sum, message) => sum + countMessageTokens(message, counter), countRequestOverhead(request, counter));
}

/**
 * A bound no family's count exceeds, from the UTF-8 size alone (a BPE token covers at least one byte): a request
 * under the window by this bound needs no tokenizer at all, which keeps the common case free.
 */
export function upperBoundTokens(request: Pick<ChatRequest, "messages" | "tools">): number {
  const size = measurePrompt(request);
  const toolBytes = request.tools ? Buffer.byteLength(JSON.stringify(request.tools)) : 0;
  const bytes = size.bytes + toolBytes;
  return Math.ceil((bytes * ESTIMATE_NUMERATOR) / ESTIMATE_DENOMINATOR) + size.images * TOKENS_PER_IMAGE + size.messages * TOKENS_PER_MESSAGE + TOKENS_PER_REPLY;
}

export interface TokenCodec {
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

/** The encoding a family's text is cut with (split): its own for OpenAI models, o200k_base for the estimate. */
export async function tokenCodecFor(family: TokenFamily): Promise<TokenCodec> {
  const encoding = family === "cl100k_base" ? await import("gpt-tokenizer/encoding/cl100k_base") : await import("gpt-tokenizer/encoding/o200k_base");
  return { encode: (text) => encoding.encode(text), decode: (tokens) => encoding.decode(tokens) };
}
