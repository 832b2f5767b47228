import { createHash } from "node:crypto";
import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { decryptSecret, encryptSecret, parseEncryptionKey } from "./secret-box";
import { hashToken, hashesEqual, issueToken, tokenPrefix } from "./tokens";

describe("secret box", () => {
  const key = randomBytes(32);
  test("round trip, fresh IV each time", () => {
    const a = encryptSecret("sk-test-1234", key);
    const b = encryptSecret("sk-test-1234", key);
    expect(a).not.toEqual(b);
    expect(a).not.toContain("sk-test");
    expect(decryptSecret(a, key)).toBe("sk-test-1234");
  });
  test("tampering and wrong keys fail", () => {
    const sealed = encryptSecret("secret", key);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("other").toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow();
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
  });
  test.each([
    ["a".repeat(64), 32],
    [randomBytes(32).toString("base64"), 32],
  ])("parses key %#", (text, length) => expect(parseEncryptionKey(text).length).toBe(length));
  test("rejects short keys", () => expect(() => parseEncryptionKey("abcd")).toThrow(/32 bytes/));
});

describe("tokens", () => {
  test("virtual keys: vk_ + 32 bytes, prefix and hash only", () => {
    const issued = issueToken("vk");
    expect(issued.token).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    expect(issued.prefix).toBe(issued.token.slice(0, 11));
    expect(issued.hash).toBe(hashToken(issued.token));
    expect(hashesEqual(issued.hash, hashToken(issued.token))).toBe(true);
    expect(hashesEqual(issued.hash, hashToken(issued.token + "x"))).toBe(false);
    expect(tokenPrefix(issueToken("mga").token)).toMatch(/^mga_.{8}$/);
  });

  test("the key hash is hex SHA-256 of the token (stored hashes from earlier releases keep matching)", () => {
    // FIPS 180-2's test vector for "abc", and a non-ASCII token hashed as UTF-8.
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashToken("vk_é")).toBe(createHash("sha256").update("vk_é", "utf8").digest("hex"));
  });
});
