/**
 * OpenAI-shaped request → Azure OpenAI chat completions request.
 * Reference: https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference#chat-completions
 * The body is OpenAI's (built by the OpenAI adapter), except that on the deployments path the deployment in the
 * URL chooses the model, so `model` is left out; the v1 API takes the deployment name as `model`.
 * "developer" messages are sent as "system": the 2024-10-21 GA version knows no developer role.
 */
import type { ChatRequest, Target, UpstreamRequest } from "@/server/gateway/types";
import type { OpenAICompatibleQuirks } from "../openai";
import { buildRequest as buildOpenAIRequest } from "../openai/request";
import { azureAuthHeaders, chatCompletionsUrl, parseAzureBaseUrl } from "./endpoint";

export const azureQuirks: OpenAICompatibleQuirks = { developerRole: "system" };

export function buildRequest(request: ChatRequest, target: Target): UpstreamRequest {
  const azure = parseAzureBaseUrl(target.baseUrl);
  const built = buildOpenAIRequest(request, target, azureQuirks);
  let body = built.body;
  if (!azure.isV1) {
    const json = JSON.parse(built.body) as Record<string, unknown>;
    delete json.model;
    body = JSON.stringify(json);
  }
  return {
    url: chatCompletionsUrl(azure, target.upstreamModel),
    headers: { "content-type": "application/json", ...azureAuthHeaders(target.apiKey) },
    body,
    warnings: built.warnings,
  };
}
