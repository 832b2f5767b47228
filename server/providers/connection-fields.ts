import type { ProviderId } from "@/server/gateway/types";
import { DEFAULT_AZURE_API_VERSION, withApiVersion } from "./azure/endpoint";
import { DEFAULT_REGION, parseBedrockBaseUrl } from "./bedrock/endpoint";
import { describeServiceAccountProblem, projectIdOf } from "./vertex/credential";
import { DEFAULT_LOCATION, parseVertexBaseUrl, vertexBaseUrl, vertexHost } from "./vertex/endpoint";

/**
 * What the console's provider form asks for, per kind, and how those fields become a connection's
 * `base_url` and `api_key` (and back). Pure data and pure functions: no DB, no env, no network, and no
 * node-only imports, so the console form uses the same compose/validate code in the browser.
 * References:
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference   (resource endpoint, api-version query, api-key or Entra ID)
 *   https://docs.aws.amazon.com/general/latest/gr/bedrock.html            (runtime endpoint bedrock-runtime.{region}.amazonaws.com)
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html (access key id, secret, session token)
 *   https://docs.ollama.com/api/openai-compatibility                      (local OpenAI-compatible base http://localhost:11434/v1, no key)
 *   https://cloud.google.com/vertex-ai/docs/reference/rest#service-endpoint (Vertex {location}-aiplatform.googleapis.com, global)
 *   https://cloud.google.com/resource-manager/docs/creating-managing-projects (project IDs: 6–30 lowercase letters, digits, hyphens)
 *   https://cloud.google.com/iam/docs/keys-create-delete                  (service account key JSON)
 */

export type KeyRequirement = "required" | "optional" | "none";
export type ConnectionFieldName = "baseUrl" | "apiKey" | "endpoint" | "apiVersion" | "awsRegion" | "accessKeyId" | "secretAccessKey" | "sessionToken" | "gcpProject" | "gcpLocation";
export type ConnectionFields = Partial<Record<ConnectionFieldName, string>>;

export interface ConnectionField {
  name: ConnectionFieldName;
  label: string;
  placeholder?: string;
  hint?: string;
  /** Write-only: never prefilled; on edit, empty keeps the stored value. */
  isSecret: boolean;
  isRequired: boolean;
}

export interface ConnectionForm {
  kind: ProviderId;
  label: string;
  defaultBaseUrl: string;
  key: KeyRequirement;
  fields: ConnectionField[];
}

const baseUrlField = (placeholder: string, hint?: string): ConnectionField => ({ name: "baseUrl", label: "Base URL", placeholder, hint, isSecret: false, isRequired: true });
const apiKeyField: ConnectionField = { name: "apiKey", label: "API key", isSecret: true, isRequired: true };

const labels: Record<ProviderId, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  gemini: "Google Gemini",
  deepseek: "DeepSeek",
  mistral: "Mistral AI",
  qwen: "Qwen (Alibaba Cloud Model Studio)",
  groq: "Groq",
  together: "Together AI",
  fireworks: "Fireworks AI",
  xai: "xAI",
  openrouter: "OpenRouter",
  local: "Local (Ollama, vLLM, LM Studio)",
  azure: "Azure OpenAI",
  bedrock: "AWS Bedrock",
  vertex: "Google Vertex AI",
};

const localBaseUrlHint = "Its host must be listed in GATEWAY_ALLOW_PRIVATE_HOSTS (e.g. localhost).";

const azureForm: Pick<ConnectionForm, "key" | "fields"> = {
  key: "required",
  fields: [
    { name: "endpoint", label: "Resource endpoint", placeholder: "https://my-resource.openai.azure.com", hint: "Keys and Endpoint page of your Azure OpenAI resource.", isSecret: false, isRequired: true },
    { name: "apiVersion", label: "API version", placeholder: DEFAULT_AZURE_API_VERSION, hint: `Empty uses ${DEFAULT_AZURE_API_VERSION}; "v1" selects the v1 API.`, isSecret: false, isRequired: false },
    { name: "apiKey", label: "API key or Entra ID token", hint: "A resource key, or a Microsoft Entra ID access token (sent as Bearer).", isSecret: true, isRequired: true },
  ],
};

const bedrockForm: Pick<ConnectionForm, "key" | "fields"> = {
  key: "required",
  fields: [
    { name: "awsRegion", label: "AWS region", placeholder: DEFAULT_REGION, hint: "Calls https://bedrock-runtime.<region>.amazonaws.com", isSecret: false, isRequired: true },
    { name: "accessKeyId", label: "Access key ID", placeholder: "AKIA…", isSecret: true, isRequired: true },
    { name: "secretAccessKey", label: "Secret access key", isSecret: true, isRequired: true },
    { name: "sessionToken", label: "Session token (optional)", hint: "Only for temporary credentials (STS).", isSecret: true, isRequired: false },
    { name: "baseUrl", label: "Endpoint override (optional)", placeholder: "https://vpce-….bedrock-runtime.us-east-1.vpce.amazonaws.com", hint: "A VPC endpoint or proxy; empty uses the regional endpoint.", isSecret: false, isRequired: false },
  ],
};

const vertexForm: Pick<ConnectionForm, "key" | "fields"> = {
  key: "required",
  fields: [
    { name: "gcpProject", label: "Project ID", placeholder: "my-project", hint: "Empty uses the key JSON's project_id.", isSecret: false, isRequired: false },
    { name: "gcpLocation", label: "Location", placeholder: DEFAULT_LOCATION, hint: `A region such as us-east5 or europe-west1, or global. Empty uses ${DEFAULT_LOCATION}.`, isSecret: false, isRequired: false },
    { name: "apiKey", label: "Service account key JSON", hint: "The JSON key file's contents (or an OAuth access token). Needs the Vertex AI User role.", isSecret: true, isRequired: true },
    { name: "baseUrl", label: "Endpoint override (optional)", placeholder: "https://proxy.example.com", hint: "A proxy or Private Service Connect origin; /v1/projects/<project>/locations/<location> is appended.", isSecret: false, isRequired: false },
  ],
};

function specialFields(kind: ProviderId, defaultBaseUrl: string): Pick<ConnectionForm, "key" | "fields"> | undefined {
  switch (kind) {
    case "azure":
      return azureForm;
    case "bedrock":
      return bedrockForm;
    case "vertex":
      return vertexForm;
    case "local":
      return { key: "none", fields: [baseUrlField(defaultBaseUrl, localBaseUrlHint)] };
    default:
      return undefined;
  }
}

/** The form descriptor for one kind; `defaultBaseUrl` comes from `defaultBaseUrls` in ./probe (server-only). */
export function connectionFormFor(kind: ProviderId, defaultBaseUrl: string): ConnectionForm {
  const fields = specialFields(kind, defaultBaseUrl) ?? { key: "required" as const, fields: [baseUrlField(defaultBaseUrl), apiKeyField] };
  return { kind, label: labels[kind], defaultBaseUrl, ...fields };
}

const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const GCP_LOCATION = /^(?:global|[a-z]+(?:-[a-z]+)*\d+)$/;
const GCP_PROJECT = /^(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** `base_url` and `api_key` from the form's fields. An empty `api_key` means "none given". */
export function composeConnection(kind: ProviderId, fields: ConnectionFields): { base_url: string; api_key: string } {
  const value = (name: ConnectionFieldName) => fields[name]?.trim() ?? "";
  if (kind === "azure") return { base_url: withApiVersion(value("endpoint"), value("apiVersion") || undefined), api_key: value("apiKey") };
  if (kind === "bedrock") {
    const credential = value("accessKeyId") && value("secretAccessKey") ? [value("accessKeyId"), value("secretAccessKey"), value("sessionToken")].filter(Boolean).join(":") : "";
    return { base_url: value("baseUrl") || regionalBedrockUrl(value("awsRegion") || DEFAULT_REGION), api_key: credential };
  }
  if (kind === "vertex") return composeVertex(value);
  return { base_url: value("baseUrl"), api_key: kind === "local" ? "" : value("apiKey") };
}

/** Project (typed, else the key's project_id), location and override → base URL; a key JSON is stored compact. */
function composeVertex(value: (name: ConnectionFieldName) => string): { base_url: string; api_key: string } {
  const credential = value("apiKey");
  const project = value("gcpProject") || projectIdOf(credential) || "";
  return { base_url: vertexBaseUrl(project, value("gcpLocation") || DEFAULT_LOCATION, vertexOverride(value("baseUrl"))), api_key: compactJson(credential) };
}

const GOOGLE_VERTEX_HOST = /^https:\/\/(?:[a-z0-9-]+-)?aiplatform\.googleapis\.com$/;

/**
 * The override's origin (a pasted full base URL is cut back to it). Google's own hosts are no override: the
 * location picks the host, so the form's prefilled default and a stale regional host never pin another region.
 */
function vertexOverride(text: string): string | undefined {
  if (!text) return undefined;
  const origin = (parseVertexBaseUrl(text)?.origin ?? text).replace(/\/+$/, "");
  return GOOGLE_VERTEX_HOST.test(origin) ? undefined : origin;
}

function compactJson(text: string): string {
  if (!text.startsWith("{")) return text;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The non-secret fields a stored base URL stands for (to prefill the edit form). */
export function decomposeConnection(kind: ProviderId, baseUrl: string): ConnectionFields {
  if (kind === "azure") {
    const url = new URL(baseUrl);
    return { endpoint: `${url.origin}${url.pathname}`.replace(/\/+$/, ""), apiVersion: url.searchParams.get("api-version") ?? "" };
  }
  if (kind === "bedrock") {
    const region = parseBedrockBaseUrl(baseUrl).region;
    const isRegional = baseUrl.replace(/\/+$/, "") === regionalBedrockUrl(region);
    return { awsRegion: region, baseUrl: isRegional ? "" : baseUrl };
  }
  if (kind === "vertex") {
    const endpoint = parseVertexBaseUrl(baseUrl);
    if (!endpoint) return { baseUrl };
    return { gcpProject: endpoint.project, gcpLocation: endpoint.location, baseUrl: endpoint.origin === vertexHost(endpoint.location) ? "" : endpoint.origin };
  }
  return { baseUrl };
}

/**
 * Inline messages for invalid fields. On edit, empty secrets keep the stored credential,
 * but a Bedrock key pair is replaced whole, so one half alone is an error.
 */
export function validateConnection(kind: ProviderId, fields: ConnectionFields, options: { isEdit: boolean }): Partial<Record<ConnectionFieldName, string>> {
  const value = (name: ConnectionFieldName) => fields[name]?.trim() ?? "";
  const errors: Partial<Record<ConnectionFieldName, string>> = {};
  for (const field of connectionFormFor(kind, "").fields) {
    const isMissing = value(field.name) === "" && field.isRequired && !(field.isSecret && options.isEdit);
    if (isMissing) errors[field.name] = `${field.label} is required.`;
  }
  if (value("baseUrl") && !isHttpUrl(value("baseUrl"))) errors.baseUrl = "Enter an http(s) URL, e.g. https://api.openai.com/v1";
  if (value("endpoint") && !/^https:\/\//.test(value("endpoint"))) errors.endpoint = "Enter the https endpoint, e.g. https://my-resource.openai.azure.com";
  else if (value("endpoint") && !isHttpUrl(value("endpoint"))) errors.endpoint = "Enter a valid URL.";
  if (value("awsRegion") && !AWS_REGION.test(value("awsRegion"))) errors.awsRegion = "Enter an AWS region code, e.g. us-east-1";
  if (kind === "bedrock" && options.isEdit && Boolean(value("accessKeyId")) !== Boolean(value("secretAccessKey"))) {
    errors[value("accessKeyId") ? "secretAccessKey" : "accessKeyId"] = "Enter both halves of the key pair to replace it.";
  }
  if (kind === "bedrock" && value("sessionToken") && (!value("accessKeyId") || !value("secretAccessKey"))) errors.sessionToken = "A session token needs its key pair.";
  if (kind === "vertex") Object.assign(errors, validateVertex(value));
  return errors;
}

function validateVertex(value: (name: ConnectionFieldName) => string): Partial<Record<ConnectionFieldName, string>> {
  const errors: Partial<Record<ConnectionFieldName, string>> = {};
  const credential = value("apiKey");
  if (credential.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(credential);
    } catch {
      json = undefined;
    }
    const problem = json === undefined ? "the key is not valid JSON" : describeServiceAccountProblem(json);
    if (problem) errors.apiKey = `Paste the whole key file: ${problem}.`;
  }
  const project = value("gcpProject") || projectIdOf(credential) || "";
  if (!project) errors.gcpProject = "Enter the project ID (the key JSON has none).";
  else if (!GCP_PROJECT.test(project)) errors.gcpProject = "Enter a project ID such as my-project-123 (6–30 lowercase letters, digits, hyphens).";
  if (value("gcpLocation") && !GCP_LOCATION.test(value("gcpLocation"))) errors.gcpLocation = "Enter a location such as us-central1, europe-west1 or global.";
  return errors;
}

function regionalBedrockUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
