/**
 * Vertex error bodies → GatewayError. Vertex itself (auth, quota, unknown model, bad path) answers Google-style
 * `{"error":{"code":401,"message":"…","status":"UNAUTHENTICATED"}}` for both publishers
 * (https://cloud.google.com/apis/design/errors); a Claude model's own refusals come through rawPredict in Anthropic's
 * shape `{"type":"error","error":{"type":"invalid_request_error","message":"…"}}`
 * (https://docs.claude.com/en/api/errors). Each is read by its adapter's mapper and reported as provider "vertex".
 */
import type { GatewayError } from "@/server/gateway/types";
import { parseError as parseAnthropicError } from "../anthropic/errors";
import { parseError as parseGoogleError } from "../gemini/errors";
import { asVertexError } from "./response";

function isAnthropicError(body: string): boolean {
  try {
    const json = JSON.parse(body) as { type?: unknown; error?: { type?: unknown; status?: unknown } };
    return json?.type === "error" || (typeof json?.error?.type === "string" && json.error.status === undefined);
  } catch {
    return false;
  }
}

export function parseError(status: number, body: string, headers: Headers): GatewayError {
  const error = isAnthropicError(body) ? parseAnthropicError(status, body, headers) : parseGoogleError(status, body, headers);
  if (error.kind === "upstream" && /^Gemini answered/.test(error.message)) return { ...error, provider: "vertex", message: error.message.replace(/^Gemini/, "Vertex AI") };
  return asVertexError(error);
}
