/**
 * Where an Azure OpenAI connection sends requests, and how it authenticates.
 * References:
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference               (deployments path, api-version, auth)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/latest                  (v1 API: {endpoint}/openai/v1/chat/completions)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle   (GA and preview versions)
 * A connection's base URL is the resource endpoint (https://<resource>.openai.azure.com) and carries the
 * api-version in its query: https://<resource>.openai.azure.com?api-version=2024-10-21. Without one the latest
 * dated GA data-plane inference version, 2024-10-21, is used. `?api-version=v1` selects the v1 API instead,
 * where the deployment name travels as `model` in the body and no api-version is sent (the reference's default).
 */

/** Latest dated GA version of the data-plane inference API (see the reference's "API specs" table). */
export const DEFAULT_AZURE_API_VERSION = "2024-10-21";

export interface AzureEndpoint {
  /** Resource endpoint without trailing slash or query, e.g. https://x.openai.azure.com */
  endpoint: string;
  apiVersion: string;
  /** The v1 API (`/openai/v1/...`, model in the body) rather than the dated deployments API. */
  isV1: boolean;
}

export function parseAzureBaseUrl(baseUrl: string): AzureEndpoint {
  const url = new URL(baseUrl);
  const apiVersion = url.searchParams.get("api-version")?.trim() || DEFAULT_AZURE_API_VERSION;
  const endpoint = `${url.origin}${url.pathname}`.replace(/\/+$/, "");
  return { endpoint, apiVersion, isV1: apiVersion === "v1" };
}

/** The base URL a connection stores: the endpoint with its api-version, if one is given. */
export function withApiVersion(endpoint: string, apiVersion: string | undefined): string {
  const base = endpoint.replace(/\/+$/, "");
  return apiVersion ? `${base}?api-version=${encodeURIComponent(apiVersion)}` : base;
}

/** POST target for chat completions: the deployment's path (dated versions) or the v1 path. */
export function chatCompletionsUrl(azure: AzureEndpoint, deployment: string): string {
  if (azure.isV1) return `${azure.endpoint}/openai/v1/chat/completions`;
  return `${azure.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${encodeURIComponent(azure.apiVersion)}`;
}

/** GET target for "test connection": the resource's model list (Models - List in the authoring API, or v1). */
export function modelsUrl(azure: AzureEndpoint): string {
  if (azure.isV1) return `${azure.endpoint}/openai/v1/models`;
  return `${azure.endpoint}/openai/models?api-version=${encodeURIComponent(azure.apiVersion)}`;
}

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * `api-key: <key>` for resource keys; a stored credential that starts with "Bearer " or is a JWT
 * (a Microsoft Entra ID access token) is sent as `Authorization: Bearer <token>` instead.
 */
export function azureAuthHeaders(credential: string): Record<string, string> {
  if (credential === "") return {};
  if (credential.startsWith("Bearer ")) return { authorization: credential };
  if (JWT_PATTERN.test(credential)) return { authorization: `Bearer ${credential}` };
  return { "api-key": credential };
}
