/**
 * The one place Bedrock requests are signed, with AWS's own SigV4 signer (@smithy/signature-v4, as the AWS SDK uses),
 * node's SHA-256 and HttpRequest from @smithy/core. Pure: no network; the caller passes the time.
 * Converse (./request.ts), CountTokens (./count-tokens.ts), InvokeModel embeddings (../embeddings/bedrock.ts) and the
 * ListFoundationModels probe (../probe.ts) are built unsigned and signed at send time by the adapter's async
 * authorize step (./authorize.ts), so every attempt carries a fresh x-amz-date.
 * References:
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (canonical request,
 *   string to sign, signing key, Authorization header)
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html (x-amz-date, x-amz-security-token,
 *   x-amz-content-sha256)
 * Canonical URI: the signer URI-encodes every path segment once more, as for all services except S3; so a model id
 * `…-v1:0` sent as `…-v1%3A0` is signed as `…-v1%253A0`.
 */
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentials } from "./credentials";

export interface BedrockHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SignOptions {
  credentials: AwsCredentials;
  region: string;
  service: string;
  now: Date;
  /** Send and sign x-amz-content-sha256 (the default, as the AWS SDK does); the AWS test suite's vectors go without. */
  contentSha256?: boolean;
}

const sha256 = Hash.bind(null, "sha256");

function toHttpRequest(request: BedrockHttpRequest): HttpRequest {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const hasHost = Object.keys(request.headers).some((name) => name.toLowerCase() === "host");
  return new HttpRequest({
    method: request.method.toUpperCase(),
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: hasHost ? { ...request.headers } : { ...request.headers, host: url.host },
    body: request.body,
  });
}

/**
 * Signs a request: returns the headers to add (x-amz-date, x-amz-content-sha256, x-amz-security-token when the
 * credentials are temporary, authorization). `host` is signed but left for the HTTP client to send.
 */
export async function signRequest(request: BedrockHttpRequest, options: SignOptions): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: options.service, sha256, applyChecksum: options.contentSha256 ?? true });
  const signed = await signer.sign(toHttpRequest(request), { signingDate: options.now });
  const given = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
  const added: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) if (name !== "host" && !given.has(name)) added[name] = value;
  return added;
}
