/**
 * Azure OpenAI error bodies → GatewayError, on top of the OpenAI mapping.
 * References:
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference   (error response: {error:{code,message,param,type,innererror}})
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter
 *     (a filtered prompt is a 400 with code "content_filter", param "prompt", innererror.code "ResponsibleAIPolicyViolation")
 * Azure's gateway often puts the HTTP status itself in `code` as a string ("401", "429"); that repeats the status and
 * is dropped, so the gateway's own code for the status applies (e.g. rate_limit_exceeded). Named codes such as
 * "DeploymentNotFound" or "content_filter" are kept.
 */
import type { GatewayError } from "@/server/gateway/types";
import { parseError as parseOpenAIError } from "../openai/errors";

export function parseError(status: number, body: string, headers: Headers): GatewayError {
  const error = parseOpenAIError("azure", status, body, headers);
  if (error.kind === "upstream" && error.code !== undefined && /^\d{3}$/.test(error.code)) delete error.code;
  return error;
}
