import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { readVertexEnvCredential } from "./bootstrap";
import { readEnv } from "./env";

const key = { type: "service_account", project_id: "key-project-1", private_key_id: "abc", private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", client_email: "sa@key-project-1.iam.gserviceaccount.com" };
const settings = (variables: Record<string, string>) => readEnv(variables as unknown as NodeJS.ProcessEnv);

describe("Vertex connection from the environment", () => {
  test("VERTEX_SERVICE_ACCOUNT_JSON: project from the key, default location global, key stored compact", () => {
    expect(readVertexEnvCredential(settings({ VERTEX_SERVICE_ACCOUNT_JSON: JSON.stringify(key, null, 2) }))).toEqual({
      apiKey: JSON.stringify(key),
      baseUrl: "https://aiplatform.googleapis.com/v1/projects/key-project-1/locations/global",
    });
  });

  test("GOOGLE_APPLICATION_CREDENTIALS file, VERTEX_PROJECT and VERTEX_LOCATION win", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "vertex-")), "key.json");
    writeFileSync(file, JSON.stringify(key));
    expect(readVertexEnvCredential(settings({ GOOGLE_APPLICATION_CREDENTIALS: file, VERTEX_PROJECT: "other-project-2", VERTEX_LOCATION: "global" }))?.baseUrl).toBe(
      "https://aiplatform.googleapis.com/v1/projects/other-project-2/locations/global",
    );
  });

  test("no connection for a missing file, a non-service-account credential, or no project", () => {
    expect(readVertexEnvCredential(settings({ GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/key.json" }))).toBeUndefined();
    expect(readVertexEnvCredential(settings({ VERTEX_SERVICE_ACCOUNT_JSON: JSON.stringify({ type: "authorized_user" }) }))).toBeUndefined();
    expect(readVertexEnvCredential(settings({ VERTEX_SERVICE_ACCOUNT_JSON: JSON.stringify({ ...key, project_id: undefined }) }))).toBeUndefined();
    expect(readVertexEnvCredential(settings({}))).toBeUndefined();
    expect(() => settings({ VERTEX_LOCATION: "Iowa" })).toThrow(/VERTEX_LOCATION/);
  });
});
