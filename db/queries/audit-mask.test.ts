import { describe, expect, test } from "vitest";
import { MASKED, isSecretField, maskSecrets } from "./audit-mask";

describe("audit masking", () => {
  test.each([
    ["password"],
    ["passwordHash"],
    ["password_hash"],
    ["keyHash"],
    ["token_hash"],
    ["credentialCiphertext"],
    ["credential"],
    ["api_key"],
    ["apiKey"],
    ["clientSecret"],
    ["webhook_secret"],
    ["token"],
    ["accessToken"],
    ["key"],
    ["authorization"],
    ["private_key"],
  ])("%s is a secret field", (name) => expect(isSecretField(name)).toBe(true));

  test.each([["keyPrefix"], ["tokenPrefix"], ["credentialLast4"], ["maxOutputTokens"], ["inputTokens"], ["name"], ["email"], ["role"], ["keysRevoked"], ["revokedKeyIds"]])(
    "%s is shown",
    (name) => expect(isSecretField(name)).toBe(false),
  );

  test("masks nested fields and secret-looking values, keeps the rest", () => {
    const hash = "a".repeat(64);
    const masked = maskSecrets({
      name: "ci",
      keyPrefix: "vk_abcdefgh",
      keyHash: hash,
      metadata: { deploy_token: "x", owner: "team-a", note: `vk_${"Z".repeat(43)}` },
      connection: { credentialCiphertext: "v1.abc", credentialLast4: "9876", headers: ["Bearer sk-live-1"] },
      when: new Date("2026-01-01T00:00:00Z"),
      revokedAt: null,
      models: ["gpt-4o-mini"],
      maxOutputTokens: 4096,
      stored: hash,
      argon: "$argon2id$v=19$m=19456,t=2,p=1$salt$hash",
    });
    expect(masked).toEqual({
      name: "ci",
      keyPrefix: "vk_abcdefgh",
      keyHash: MASKED,
      metadata: { deploy_token: MASKED, owner: "team-a", note: MASKED },
      connection: { credentialCiphertext: MASKED, credentialLast4: "9876", headers: [MASKED] },
      when: "2026-01-01T00:00:00.000Z",
      revokedAt: null,
      models: ["gpt-4o-mini"],
      maxOutputTokens: 4096,
      stored: MASKED,
      argon: MASKED,
    });
  });

  test("a null secret field stays null (it says the secret was cleared)", () => {
    expect(maskSecrets({ credentialCiphertext: null })).toEqual({ credentialCiphertext: null });
  });
});
