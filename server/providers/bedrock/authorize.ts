/**
 * The Bedrock adapter's async step: SigV4-signs a built request at send time (./signed-request.ts). No network: the
 * step exists because AWS's signer is asynchronous, and signing per attempt gives a retry a fresh x-amz-date.
 * The signing region is the connection's (./endpoint.ts), also for the probe on the control-plane host; the service
 * is `bedrock`. A malformed credential leaves the request unsigned (the builders already warned; AWS answers 403).
 */
import type { Result, Target, UpstreamAuthorizer, UpstreamRequest } from "@/server/gateway/types";
import { parseCredentials } from "./credentials";
import { parseBedrockBaseUrl, SIGNING_SERVICE } from "./endpoint";
import { signRequest } from "./signed-request";

export function createBedrockAuthorizer(now: () => Date): Required<Pick<UpstreamAuthorizer, "authorize">> {
  return {
    async authorize(request: UpstreamRequest, target: Target): Promise<Result<UpstreamRequest>> {
      const credentials = parseCredentials(target.apiKey);
      if (!credentials) return { ok: true, value: request };
      const { region } = parseBedrockBaseUrl(target.baseUrl);
      const method = request.method ?? "POST";
      const added = await signRequest({ method, url: request.url, headers: request.headers, body: request.body }, { credentials, region, service: SIGNING_SERVICE, now: now() });
      return { ok: true, value: { ...request, headers: { ...request.headers, ...added } } };
    },
  };
}
