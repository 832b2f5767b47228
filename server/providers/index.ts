import type { ProviderAdapter, ProviderId } from "@/server/gateway/types";
import { anthropic } from "./anthropic";
import { azure } from "./azure";
import { bedrock } from "./bedrock";
import { deepseek, fireworks, groq, local, mistral, openrouter, qwen, together, xai } from "./compatible";
import { gemini } from "./gemini";
import { openai } from "./openai";
import { vertex } from "./vertex";

/** Every wire format the gateway speaks, by provider kind. */
export const adapters: Readonly<Record<ProviderId, ProviderAdapter>> = {
  openai,
  anthropic,
  gemini,
  deepseek,
  mistral,
  qwen,
  groq,
  together,
  fireworks,
  xai,
  openrouter,
  local,
  azure,
  bedrock,
  vertex,
};

export const providerKinds = Object.keys(adapters) as ProviderId[];

export function isProviderKind(kind: string): kind is ProviderId {
  return Object.hasOwn(adapters, kind);
}
