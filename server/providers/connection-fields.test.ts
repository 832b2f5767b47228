import { describe, expect, test } from "vitest";
import { composeConnection, connectionFormFor, decomposeConnection, validateConnection } from "./connection-fields";
import { providerKinds } from "./index";
import { defaultBaseUrls } from "./probe";

const formFor = (kind: Parameters<typeof connectionFormFor>[0]) => connectionFormFor(kind, defaultBaseUrls[kind]);

describe("connectionFormFor", () => {
  test("every kind has a label, a default base URL and fields", () => {
    for (const kind of providerKinds) {
      const form = formFor(kind);
      expect(form.label).not.toBe("");
      expect(form.fields.length).toBeGreaterThan(0);
    }
  });

  test("openai keeps the generic Base URL and API key fields", () => {
    const form = formFor("openai");
    expect(form).toMatchObject({ label: "OpenAI", defaultBaseUrl: "https://api.openai.com/v1", key: "required" });
    expect(form.fields.map((field) => field.label)).toEqual(["Base URL", "API key"]);
  });

  test("azure, bedrock and local ask for their own fields", () => {
    expect(formFor("azure").label).toBe("Azure OpenAI");
    expect(formFor("azure").fields.map((field) => field.name)).toEqual(["endpoint", "apiVersion", "apiKey"]);
    expect(formFor("bedrock").label).toBe("AWS Bedrock");
    expect(formFor("bedrock").fields.map((field) => field.name)).toEqual(["awsRegion", "accessKeyId", "secretAccessKey", "sessionToken", "baseUrl"]);
    expect(formFor("local")).toMatchObject({ label: "Local (Ollama, vLLM, LM Studio)", defaultBaseUrl: "http://localhost:11434/v1", key: "none" });
    expect(formFor("local").fields.map((field) => field.name)).toEqual(["baseUrl"]);
    expect(formFor("vertex")).toMatchObject({ label: "Google Vertex AI", key: "required" });
    expect(formFor("vertex").fields.map((field) => [field.name, field.label, field.isSecret])).toEqual([
      ["gcpProject", "Project ID", false],
      ["gcpLocation", "Location", false],
      ["apiKey", "Service account key JSON", true],
      ["baseUrl", "Endpoint override (optional)", false],
    ]);
  });
});

const vertexKey = JSON.stringify({ type: "service_account", project_id: "key-project-1", private_key_id: "abc", private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", client_email: "sa@key-project-1.iam.gserviceaccount.com", token_uri: "https://oauth2.googleapis.com/token" }, null, 2);

describe("vertex fields", () => {
  test.each([
    ["project from the key, default location", { apiKey: vertexKey }, "https://aiplatform.googleapis.com/v1/projects/key-project-1/locations/global"],
    ["typed project and region", { gcpProject: "my-project-9", gcpLocation: "europe-west1", apiKey: vertexKey }, "https://europe-west1-aiplatform.googleapis.com/v1/projects/my-project-9/locations/europe-west1"],
    ["global", { gcpProject: "my-project-9", gcpLocation: "global", apiKey: "ya29.tok" }, "https://aiplatform.googleapis.com/v1/projects/my-project-9/locations/global"],
    ["override", { gcpProject: "my-project-9", gcpLocation: "us-east5", baseUrl: "https://psc.example.com/" }, "https://psc.example.com/v1/projects/my-project-9/locations/us-east5"],
    ["a pasted full override keeps its origin", { gcpProject: "my-project-9", gcpLocation: "us-east5", baseUrl: "https://psc.example.com/v1/projects/x-project-1/locations/global" }, "https://psc.example.com/v1/projects/my-project-9/locations/us-east5"],
    ["the prefilled Google default is no override", { gcpProject: "my-project-9", gcpLocation: "europe-west1", baseUrl: "https://aiplatform.googleapis.com/v1/projects/YOUR-PROJECT/locations/global" }, "https://europe-west1-aiplatform.googleapis.com/v1/projects/my-project-9/locations/europe-west1"],
  ] as const)("compose: %s", (_name, fields, baseUrl) => {
    expect(composeConnection("vertex", fields).base_url).toBe(baseUrl);
  });

  test("the key JSON is stored compact; decompose then compose round-trips", () => {
    expect(composeConnection("vertex", { apiKey: vertexKey }).api_key).toBe(JSON.stringify(JSON.parse(vertexKey)));
    for (const baseUrl of ["https://us-east5-aiplatform.googleapis.com/v1/projects/my-project-9/locations/us-east5", "https://psc.example.com/v1/projects/my-project-9/locations/global"]) {
      expect(composeConnection("vertex", decomposeConnection("vertex", baseUrl)).base_url).toBe(baseUrl);
    }
    expect(decomposeConnection("vertex", "https://aiplatform.googleapis.com/v1/projects/my-project-9/locations/global")).toEqual({ gcpProject: "my-project-9", gcpLocation: "global", baseUrl: "" });
  });

  test.each([
    ["missing key and project", {}, false, { apiKey: "Service account key JSON is required.", gcpProject: "Enter the project ID (the key JSON has none)." }],
    ["not JSON", { gcpProject: "my-project-9", apiKey: "{oops" }, false, { apiKey: "Paste the whole key file: the key is not valid JSON." }],
    ["not a service account", { gcpProject: "my-project-9", apiKey: JSON.stringify({ type: "authorized_user" }) }, false, { apiKey: 'Paste the whole key file: the key JSON must have "type": "service_account".' }],
    ["missing private_key", { apiKey: JSON.stringify({ ...JSON.parse(vertexKey), private_key: undefined }) }, false, { apiKey: "Paste the whole key file: the key JSON's private_key is missing or malformed." }],
    ["bad location and project", { gcpProject: "My Project", gcpLocation: "Iowa", apiKey: vertexKey }, false, { gcpProject: "Enter a project ID such as my-project-123 (6–30 lowercase letters, digits, hyphens).", gcpLocation: "Enter a location such as us-central1, europe-west1 or global." }],
    ["edit keeps the key", { gcpProject: "my-project-9", gcpLocation: "us-east5" }, true, {}],
    ["valid", { apiKey: vertexKey, gcpLocation: "us-east5" }, false, {}],
  ] as const)("validate: %s", (_name, fields, isEdit, expected) => {
    expect(validateConnection("vertex", fields, { isEdit })).toEqual(expected);
  });
});

describe("composeConnection", () => {
  test.each([
    ["azure with a version", "azure", { endpoint: " https://contoso.openai.azure.com/ ", apiVersion: "2024-10-21", apiKey: "k1" }, { base_url: "https://contoso.openai.azure.com?api-version=2024-10-21", api_key: "k1" }],
    ["azure v1", "azure", { endpoint: "https://contoso.openai.azure.com", apiVersion: "v1", apiKey: "" }, { base_url: "https://contoso.openai.azure.com?api-version=v1", api_key: "" }],
    ["azure without a version", "azure", { endpoint: "https://contoso.openai.azure.com", apiVersion: "", apiKey: "k" }, { base_url: "https://contoso.openai.azure.com", api_key: "k" }],
    ["bedrock key pair", "bedrock", { awsRegion: "eu-west-1", accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret/abc" }, { base_url: "https://bedrock-runtime.eu-west-1.amazonaws.com", api_key: "AKIDEXAMPLE:secret/abc" }],
    ["bedrock with a session token", "bedrock", { awsRegion: "us-east-1", accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "tok" }, { base_url: "https://bedrock-runtime.us-east-1.amazonaws.com", api_key: "ASIA1:s:tok" }],
    ["bedrock keep the key", "bedrock", { awsRegion: "ap-southeast-2", accessKeyId: "", secretAccessKey: "" }, { base_url: "https://bedrock-runtime.ap-southeast-2.amazonaws.com", api_key: "" }],
    ["bedrock endpoint override", "bedrock", { awsRegion: "us-east-1", baseUrl: "https://proxy.example.com?region=us-west-2" }, { base_url: "https://proxy.example.com?region=us-west-2", api_key: "" }],
    ["local has no key", "local", { baseUrl: "http://localhost:11434/v1", apiKey: "ignored" }, { base_url: "http://localhost:11434/v1", api_key: "" }],
    ["openai", "openai", { baseUrl: " https://api.openai.com/v1 ", apiKey: " sk-1 " }, { base_url: "https://api.openai.com/v1", api_key: "sk-1" }],
  ] as const)("%s", (_name, kind, fields, expected) => {
    expect(composeConnection(kind, fields)).toEqual(expected);
  });
});

describe("decomposeConnection", () => {
  test.each([
    ["azure with a version", "azure", "https://contoso.openai.azure.com?api-version=2025-04-01-preview", { endpoint: "https://contoso.openai.azure.com", apiVersion: "2025-04-01-preview" }],
    ["azure without a version", "azure", "https://contoso.openai.azure.com", { endpoint: "https://contoso.openai.azure.com", apiVersion: "" }],
    ["bedrock regional", "bedrock", "https://bedrock-runtime.eu-central-1.amazonaws.com", { awsRegion: "eu-central-1", baseUrl: "" }],
    ["bedrock proxy", "bedrock", "https://proxy.example.com?region=us-west-2", { awsRegion: "us-west-2", baseUrl: "https://proxy.example.com?region=us-west-2" }],
    ["local", "local", "http://localhost:11434/v1", { baseUrl: "http://localhost:11434/v1" }],
  ] as const)("%s", (_name, kind, baseUrl, expected) => {
    expect(decomposeConnection(kind, baseUrl)).toEqual(expected);
  });

  test("decompose then compose gives the stored base URL back", () => {
    for (const [kind, baseUrl] of [["azure", "https://contoso.openai.azure.com?api-version=2024-10-21"], ["bedrock", "https://bedrock-runtime.us-west-2.amazonaws.com"]] as const) {
      expect(composeConnection(kind, decomposeConnection(kind, baseUrl)).base_url).toBe(baseUrl);
    }
  });
});

describe("validateConnection", () => {
  test.each([
    ["openai empty", "openai", {}, false, { baseUrl: "Base URL is required.", apiKey: "API key is required." }],
    ["openai bad url", "openai", { baseUrl: "api.openai.com", apiKey: "k" }, false, { baseUrl: "Enter an http(s) URL, e.g. https://api.openai.com/v1" }],
    ["openai edit keeps key", "openai", { baseUrl: "https://api.openai.com/v1" }, true, {}],
    ["azure http endpoint", "azure", { endpoint: "http://contoso.openai.azure.com", apiKey: "k" }, false, { endpoint: "Enter the https endpoint, e.g. https://my-resource.openai.azure.com" }],
    ["azure missing", "azure", {}, false, { endpoint: "Resource endpoint is required.", apiKey: "API key or Entra ID token is required." }],
    ["bedrock bad region", "bedrock", { awsRegion: "Frankfurt", accessKeyId: "a", secretAccessKey: "b" }, false, { awsRegion: "Enter an AWS region code, e.g. us-east-1" }],
    ["bedrock missing secret", "bedrock", { awsRegion: "us-east-1", accessKeyId: "a" }, false, { secretAccessKey: "Secret access key is required." }],
    ["bedrock edit half a pair", "bedrock", { awsRegion: "us-east-1", accessKeyId: "a" }, true, { secretAccessKey: "Enter both halves of the key pair to replace it." }],
    ["bedrock edit token alone", "bedrock", { awsRegion: "us-east-1", sessionToken: "t" }, true, { sessionToken: "A session token needs its key pair." }],
    ["bedrock edit keeps key", "bedrock", { awsRegion: "us-east-1" }, true, {}],
    ["local", "local", { baseUrl: "http://localhost:11434/v1" }, false, {}],
  ] as const)("%s", (_name, kind, fields, isEdit, expected) => {
    expect(validateConnection(kind, fields, { isEdit })).toEqual(expected);
  });
});
