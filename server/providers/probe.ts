import type { ProviderId, UpstreamRequest } from "@/server/gateway/types";

/**
 * A cheap authenticated GET that tells whether a connection works ("test connection"):
 * each provider's list-models endpoint. Pure: the caller sends it.
 *   OpenAI    GET {base}/models              https://platform.openai.com/docs/api-reference/models/list
 *   Anthropic GET {base}/models              https://docs.claude.com/en/api/models-list
 *   Gemini    GET {base}/models              https://ai.google.dev/api/models#method:-models.list
 */
export function buildProbeRequest(kind: ProviderId, baseUrl: string, apiKey: string): UpstreamRequest {
  const base = baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  switch (kind) {
    case "openai":
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

/** Default base URL per provider kind (official endpoints). */
export const defaultBaseUrls: Record<ProviderId, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  gemini: "https://generativelanguage.googleapis.com/v1beta",
};
