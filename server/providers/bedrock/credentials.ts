/**
 * The Bedrock connection's credential: one string, `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]` (the session
 * token, for temporary credentials, may itself hold colons).
 * Reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html (access key pair, x-amz-security-token)
 */
import type { Warning } from "@/server/gateway/types";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const UNSIGNED_WARNING = "The Bedrock credential is not ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]; the request was sent unsigned.";

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

/**
 * A malformed credential cannot sign: the request goes unsigned (AWS answers it 403) and the built request says why.
 * Called by the request builders, which are synchronous; the signature itself is added by ./authorize.ts.
 */
export function warnIfUnsignable(apiKey: string, warnings: Warning[]): void {
  if (!parseCredentials(apiKey)) warnings.push({ code: "other", message: UNSIGNED_WARNING });
}
