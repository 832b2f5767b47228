/**
 * Provider kinds that serve /v1/embeddings. A kind missing here has no embeddings endpoint the
 * gateway knows of (Anthropic has none; the other OpenAI-compatible kinds are not wired yet).
 */
import type { ProviderId } from "@/server/gateway/types";
import { local, mistral } from "../compatible";
import { openai } from "../openai";
import { bedrockEmbeddings } from "./bedrock";
import { geminiEmbeddings } from "./gemini";
import { openAIEmbeddings } from "./openai-format";
import { vertexEmbeddings } from "./vertex";
import type { EmbeddingsAdapter } from "./types";

export type { EmbeddingsAdapter, EmbeddingsResult } from "./types";
export { decodeFloat32Base64, encodeFloat32Base64 } from "./base64";

export const embeddingsAdapters: Readonly<Partial<Record<ProviderId, EmbeddingsAdapter>>> = {
  openai: openAIEmbeddings({ chat: openai, acceptsTokenInput: true }),
  gemini: geminiEmbeddings,
  bedrock: bedrockEmbeddings,
  mistral: openAIEmbeddings({ chat: mistral, renamed: { dimensions: "output_dimension" }, unsupported: ["user"] }),
  // Local servers differ in encoding_format support; they are asked for floats and the gateway encodes.
  local: openAIEmbeddings({ chat: local, forwardsEncodingFormat: false }),
  vertex: vertexEmbeddings,
};
