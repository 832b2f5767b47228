import { createHash, createHmac } from "node:crypto";
import type { ChatRequest, Target, UpstreamAuthContext, UpstreamRequest, Warning } from "@/server/gateway/types";
import { createBedrockAdapter } from "./index";

/** Shared by the Bedrock request tests: an adapter with a pinned signing clock, a target and a one-line chat. */
export const bedrockAdapter = createBedrockAdapter({ now: () => new Date("2026-11-27T10:00:00.000Z") });

export const bedrockTarget = (upstreamModel: string): Target => ({
  provider: "bedrock",
  connectionId: "c1",
  baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com",
  apiKey: "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  upstreamModel,
  modelName: "m",
});

export const chat = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({ model: "m", messages: [{ role: "user", content: "Hi" }], ...overrides });

/** The Converse body the adapter builds for `model` (parsed back from JSON) and its warnings. */
export function buildConverse(request: ChatRequest, model: string): { body: Record<string, any>; warnings: Warning[] } { // eslint-disable-line @typescript-eslint/no-explicit-any -- the built JSON
  const built = bedrockAdapter.buildRequest(request, bedrockTarget(model));
  return { body: JSON.parse(built.body), warnings: built.warnings };
}

/** Bedrock's authorize step uses no network: a context whose send fails the test if it is ever called. */
const noNetwork: UpstreamAuthContext = {
  send: () => Promise.reject(new Error("Bedrock's authorize step must not send")),
  trusted: false,
  signal: new AbortController().signal,
};

/** A built request as the attempt loop sends it: through the adapter's authorize step (SigV4). */
export async function authorized(adapter: Pick<typeof bedrockAdapter, "authorize">, request: UpstreamRequest, target: Target): Promise<UpstreamRequest> {
  const result = await adapter.authorize!(request, target, noNetwork);
  if (!result.ok) throw new Error(`authorize failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * The SigV4 signature of a canonical request written out in the test, computed independently of the signer:
 * string to sign and the kDate → kRegion → kService → kSigning key chain, as the AWS reference gives them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function referenceSignature(canonicalRequest: string, options: { secretAccessKey: string; amzDate: string; region: string; service: string }): string {
  const day = options.amzDate.slice(0, 8);
  const scope = `${day}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", options.amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  const key = [day, options.region, options.service, "aws4_request"].reduce<string | Buffer>((current, part) => hmac(current, part), `AWS4${options.secretAccessKey}`);
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}
