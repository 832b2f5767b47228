/**
 * The `anthropic-beta` request header, as the Anthropic SDKs (`betas: [...]`) and Claude Code send it on /v1/messages
 * and /v1/messages/count_tokens: beta feature names separated by commas (`anthropic-beta: feature1,feature2`).
 * Reference: https://platform.claude.com/docs/en/api/beta-headers
 * The list is carried on the ChatRequest as `anthropic_beta` and reaches Claude upstreams only (README: anthropic-beta);
 * whether a name is known is the upstream's call (Anthropic answers 400 for an unsupported beta).
 */
import type { GatewayRequest } from "../../contract";
import type { Result } from "../../types";

export const ANTHROPIC_BETA_HEADER = "anthropic-beta";
const BETA_NAME = /^[A-Za-z0-9._-]+$/;

/** The header's beta names (trimmed, repeats dropped), undefined when it is absent or empty; a malformed name is a 400. */
export function readAnthropicBeta(request: Pick<GatewayRequest, "header"> | undefined): Result<string[] | undefined> {
  const header = request?.header(ANTHROPIC_BETA_HEADER);
  if (header === undefined) return { ok: true, value: undefined };
  const names = [...new Set(header.split(",").map((name) => name.trim()).filter((name) => name !== ""))];
  const malformed = names.find((name) => !BETA_NAME.test(name));
  if (malformed !== undefined) {
    return { ok: false, error: { kind: "invalid_request", message: `anthropic-beta: '${malformed.slice(0, 64)}' is not a beta feature name.`, param: ANTHROPIC_BETA_HEADER } };
  }
  return { ok: true, value: names.length > 0 ? names : undefined };
}
