/**
 * The Amazon Bedrock Converse adapter: POST {baseUrl}/model/{modelId}/converse and /converse-stream on
 * https://bedrock-runtime.{region}.amazonaws.com, signed with SigV4 (credential `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`).
 * Streams use the binary event-stream framing, hence the adapter's own streamDecoder.
 * Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html —
 * see each step's file for the pages it follows.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { parseError } from "./errors";
import { eventStreamDecoder } from "./event-stream";
import { createBuildRequest } from "./request";
import { parseResponse } from "./response";
import { parseStream } from "./stream";

export { parseBedrockBaseUrl, foundationModelsUrl, SIGNING_SERVICE } from "./endpoint";
export { parseCredentials, signRequest } from "./sigv4";
export { signedBedrockHeaders } from "./signed-request";

/** A Bedrock adapter with its own clock (tests pin the signing time). */
export function createBedrockAdapter(options: { now?: () => Date } = {}): ProviderAdapter {
  return {
    id: "bedrock",
    remoteImages: "fetch",
    buildRequest: createBuildRequest(options.now ?? (() => new Date())),
    parseResponse,
    parseStream,
    streamDecoder: eventStreamDecoder,
    parseError,
  };
}

export const bedrock: ProviderAdapter = createBedrockAdapter();
export { buildCountRequest, countTokensModelId, createBuildCountRequest, isCountUnsupported } from "./count-tokens";
