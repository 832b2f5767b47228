/**
 * Azure OpenAI: the OpenAI Chat Completions wire format on a resource endpoint, per deployment.
 * References:
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference        (dated API: deployments path, api-version)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/latest           (v1 API)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter
 * POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version={version} with `api-key: <key>`
 * (or `Authorization: Bearer <Entra ID token>`); the deployment is the model's upstream id. See ./endpoint.ts
 * for how the base URL carries the api-version. Responses, streams and errors are OpenAI's (reused), with
 * Azure's content-filter fields and error codes mapped in ./response.ts and ./errors.ts.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { createStreamParser } from "../openai/stream";
import { parseError } from "./errors";
import { buildRequest } from "./request";
import { parseResponse } from "./response";

export { DEFAULT_AZURE_API_VERSION, azureAuthHeaders, modelsUrl, parseAzureBaseUrl, withApiVersion } from "./endpoint";

export const azure: ProviderAdapter = {
  id: "azure",
  buildRequest,
  parseResponse,
  parseStream: () => createStreamParser("azure"),
  parseError,
};
