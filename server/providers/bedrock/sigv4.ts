/**
 * AWS Signature Version 4 (header form), with node:crypto only. Pure: the caller passes the time.
 *
 * References:
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (canonical request,
 *   string to sign, signing key derivation kDate → kRegion → kService → kSigning, Authorization header)
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html (x-amz-date, x-amz-security-token for
 *   temporary credentials, x-amz-content-sha256)
 * - Test vectors: the AWS SigV4 test suite (get-vanilla, post-vanilla; AKIDEXAMPLE, 20150830T123600Z, us-east-1,
 *   service "service"), github.com/awslabs/aws-c-auth tests/aws-signing-test-suite/v4
 *
 * Canonical URI: every path segment is URI-encoded once more (RFC 3986 unreserved characters kept), as for all
 * services except S3; so a model id `…-v1:0` sent as `…-v1%3A0` is signed as `…-v1%253A0`.
 */
import { createHash, createHmac } from "node:crypto";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  url: string;
  /** Headers to sign (names any case); `host` is taken from the URL when absent. */
  headers: Record<string, string>;
  body: string;
  credentials: AwsCredentials;
  region: string;
  service: string;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

/** `2015-08-30T12:36:00.000Z` → `20150830T123600Z`. */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded (uppercase hex). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** The canonical request, string to sign and signature: exposed so the fake can recompute them. */
export function computeSignature(input: SignInput): { signedHeaders: string; canonicalRequest: string; signature: string; scope: string } {
  const url = new URL(input.url);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, " "));
  if (!headers.has("host")) headers.set("host", url.host);
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(";");
  const canonicalUri = url.pathname.split("/").map(uriEncode).join("/") || "/";
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri,
    canonicalQuery(url.searchParams),
    names.map((name) => `${name}:${headers.get(name)}\n`).join(""),
    signedHeaders,
    sha256Hex(input.body),
  ].join("\n");
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", input.amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, day), input.region), input.service), "aws4_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
  return { signedHeaders, canonicalRequest, signature, scope };
}

export function authorizationHeader(input: SignInput): string {
  const { signedHeaders, signature, scope } = computeSignature(input);
  return `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/**
 * Signs a request: returns the headers to add (x-amz-date, x-amz-content-sha256, x-amz-security-token when the
 * credentials are temporary, authorization). `host` is signed but left for the HTTP client to send.
 */
export function signRequest(
  request: { method: string; url: string; headers: Record<string, string>; body: string },
  options: { credentials: AwsCredentials; region: string; service: string; now: Date },
): Record<string, string> {
  const amzDate = toAmzDate(options.now);
  const added: Record<string, string> = { "x-amz-date": amzDate, "x-amz-content-sha256": sha256Hex(request.body) };
  if (options.credentials.sessionToken) added["x-amz-security-token"] = options.credentials.sessionToken;
  const headers = { ...request.headers, ...added };
  const authorization = authorizationHeader({ ...request, headers, credentials: options.credentials, region: options.region, service: options.service, amzDate });
  return { ...added, authorization };
}

/** `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]` → credentials (undefined when malformed). */
export function parseCredentials(apiKey: string): AwsCredentials | undefined {
  const first = apiKey.indexOf(":");
  if (first <= 0) return undefined;
  const accessKeyId = apiKey.slice(0, first);
  const rest = apiKey.slice(first + 1);
  const second = rest.indexOf(":");
  const secretAccessKey = second === -1 ? rest : rest.slice(0, second);
  const sessionToken = second === -1 ? undefined : rest.slice(second + 1);
  if (secretAccessKey === "") return undefined;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}
