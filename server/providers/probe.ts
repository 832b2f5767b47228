import type { ProviderId, UpstreamRequest } from "@/server/gateway/types";
import { azureAuthHeaders, modelsUrl, parseAzureBaseUrl } from "./azure";
import { foundationModelsUrl, parseBedrockBaseUrl } from "./bedrock";

/**
 * A cheap authenticated GET that tells whether a connection works ("test connection"):
 * each provider's list-models endpoint. Pure: the caller sends it.
 *   OpenAI    GET {base}/models              https://platform.openai.com/docs/api-reference/models/list
 *   Anthropic GET {base}/models              https://docs.claude.com/en/api/models-list
 *   Gemini    GET {base}/models              https://ai.google.dev/api/models#method:-models.list
 *   DeepSeek, Mistral, Qwen (DashScope compatible mode), Groq, Together, Fireworks, xAI, OpenRouter:
 *             GET {base}/models with Bearer, as OpenAI (see each adapter in ./compatible for its reference)
 *   Local (Ollama, vLLM, LM Studio): GET {base}/models, no credential (a key, if set, is sent as Bearer)
 *   Azure     GET {endpoint}/openai/models?api-version={version} (Models - List, same api-key / Entra auth as chat),
 *             or GET {endpoint}/openai/v1/models for the v1 API
 *             https://learn.microsoft.com/en-us/azure/ai-foundry/openai/authoring-reference (Models - List)
 *             https://learn.microsoft.com/en-us/azure/ai-foundry/openai/latest
 *   Bedrock   GET https://bedrock.{region}.amazonaws.com/foundation-models (ListFoundationModels, the control-plane host of
 *             the runtime base URL's region; other hosts: {base}/foundation-models), SigV4-signed by the adapter's
 *             authorize step (test-connection.ts), as chat. It checks the credential and its signature; model access
 *             (bedrock:InvokeModel) is only proven by a first chat request.
 *             https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html
 *   Vertex    GET {base}/endpoints?pageSize=1 (projects.locations.endpoints.list: a cheap project- and location-scoped
 *             read that needs aiplatform.endpoints.list, part of roles/aiplatform.user). It proves the credential, the
 *             project and the location; the Bearer token is added by the adapter's authorize step (test-connection.ts).
 *             https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.endpoints/list
 */
export function buildProbeRequest(kind: ProviderId, baseUrl: string, apiKey: string): UpstreamRequest {
  const base = baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  if (kind === "bedrock") return { method: "GET", url: foundationModelsUrl(parseBedrockBaseUrl(base)), headers, body: "", warnings: [] };
  if (kind === "vertex") return { method: "GET", url: `${base}/endpoints?pageSize=1`, headers, body: "", warnings: [] };
  if (kind === "azure") {
    return { method: "GET", url: modelsUrl(parseAzureBaseUrl(base)), headers: { ...headers, ...azureAuthHeaders(apiKey) }, body: "", warnings: [] };
  }
  switch (kind) {
    case "openai":
    case "deepseek":
    case "mistral":
    case "qwen":
    case "groq":
    case "together":
    case "fireworks":
    case "xai":
    case "openrouter":
    case "local":
      if (apiKey) headers.authorization = `Bearer ${apiKey}`;
      break;
    case "anthropic":
      headers["x-api-key"] = apiKey;
      headers["anthropic-version"] = "2023-06-01";
      break;
    case "gemini":
      headers["x-goog-api-key"] = apiKey;
      break;
  }
  return { method: "GET", url: `${base}/models`, headers, body: "", warnings: [] };
}

/** Default base URL per provider kind (official endpoints; Azure has none, so its entry is the form's hint). */
export const defaultBaseUrls: Record<ProviderId, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  gemini: "https://generativelanguage.googleapis.com/v1beta",
  deepseek: "https://api.deepseek.com",
  mistral: "https://api.mistral.ai/v1",
  qwen: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
  groq: "https://api.groq.com/openai/v1",
  together: "https://api.together.xyz/v1",
  fireworks: "https://api.fireworks.ai/inference/v1",
  xai: "https://api.x.ai/v1",
  openrouter: "https://openrouter.ai/api/v1",
  local: "http://localhost:11434/v1",
  azure: "https://YOUR-RESOURCE.openai.azure.com",
  bedrock: "https://bedrock-runtime.us-east-1.amazonaws.com",
  vertex: "https://aiplatform.googleapis.com/v1/projects/YOUR-PROJECT/locations/global",
};
