import { describe, expect, test } from "vitest";
import { credentialHint } from "./credential-hint";

describe("credentialHint", () => {
  test("an API key shows its last four characters", () => {
    expect(credentialHint("sk-test-0123456789")).toBe("6789");
  });

  test("a service-account key JSON shows the end of its private_key_id, not of the JSON", () => {
    const key = JSON.stringify({ type: "service_account", private_key_id: "0a1b2c3d4e5f", private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", client_email: "sa@p.iam.gserviceaccount.com" });
    expect(credentialHint(key)).toBe("4e5f");
  });

  test("text that only looks like JSON falls back to the last four", () => {
    expect(credentialHint("{not json abcd")).toBe("abcd");
  });
});
