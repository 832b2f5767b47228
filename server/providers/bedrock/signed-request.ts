/**
 * The one place Bedrock requests are signed: Converse (./request.ts), CountTokens (./count-tokens.ts), InvokeModel
 * embeddings (../embeddings/bedrock.ts) and the ListFoundationModels probe (../probe.ts, a GET to the control-plane host).
 * The credential is `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`; the signing region is the endpoint's and the
 * service is `bedrock` for the runtime and control-plane hosts alike.
 * References:
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (see ./sigv4.ts)
 * - https://docs.aws.amazon.com/general/latest/gr/bedrock.html (runtime and control-plane endpoints, see ./endpoint.ts)
 */
import type { Warning } from "@/server/gateway/types";
import { SIGNING_SERVICE } from "./endpoint";
import { parseCredentials, signRequest } from "./sigv4";

const UNSIGNED_WARNING = "The Bedrock credential is not ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]; the request was sent unsigned.";

export interface BedrockHttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The request's headers with the SigV4 headers added. A malformed credential leaves the request unsigned (AWS answers
 * it 403) and, when `warnings` is given, says so there.
 */
export function signedBedrockHeaders(request: BedrockHttpRequest, options: { apiKey: string; region: string; now: Date; warnings?: Warning[] }): Record<string, string> {
  const credentials = parseCredentials(options.apiKey);
  if (!credentials) {
    options.warnings?.push({ code: "other", message: UNSIGNED_WARNING });
    return request.headers;
  }
  const signed = signRequest(request, { credentials, region: options.region, service: SIGNING_SERVICE, now: options.now });
  return { ...request.headers, ...signed };
}
