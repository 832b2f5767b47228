/**
 * The Amazon Bedrock Converse adapter: POST {baseUrl}/model/{modelId}/converse and /converse-stream on
 * https://bedrock-runtime.{region}.amazonaws.com, signed with SigV4 (credential `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`).
 * Requests are built unsigned and SigV4-signed by the adapter's async authorize step at send time (./authorize.ts).
 * Streams use the binary event-stream framing, hence the adapter's own streamDecoder.
 * Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html —
 * see each step's file for the pages it follows.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { createBedrockAuthorizer } from "./authorize";
import { parseError } from "./errors";
import { eventStreamDecoder } from "./event-stream";
import { buildRequest } from "./request";
import { parseResponse } from "./response";
import { parseStream } from "./stream";

export { parseBedrockBaseUrl, foundationModelsUrl, SIGNING_SERVICE } from "./endpoint";
export { parseCredentials, warnIfUnsignable } from "./credentials";
export { signRequest } from "./signed-request";

/** A Bedrock adapter with its own signing clock (tests pin the signing time). */
export function createBedrockAdapter(options: { now?: () => Date } = {}): ProviderAdapter {
  return {
    id: "bedrock",
    remoteImages: "fetch",
    // Converse returns one message: `n` is fanned out by the gateway (chat/fan-out/), one call per choice.
    maxChoicesPerCall: () => 1,
    buildRequest,
    parseResponse,
    parseStream,
    streamDecoder: eventStreamDecoder,
    parseError,
    authorize: createBedrockAuthorizer(options.now ?? (() => new Date())).authorize,
  };
}

export const bedrock: ProviderAdapter = createBedrockAdapter();
export { buildCountRequest, countTokensModelId, isCountUnsupported } from "./count-tokens";
