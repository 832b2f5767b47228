/**
 * What the audit log never stores: secrets in before/after. Fields are masked by name (passwords,
 * hashes, ciphertexts, credentials, API keys, tokens, secrets), and any string that looks like an
 * issued token, a bearer header, an argon2 hash or a SHA-256 digest is masked wherever it sits.
 * Hints that are safe to show stay: keyPrefix, tokenPrefix, credentialLast4, token counts.
 */
export const MASKED = "[redacted]";

// Compared after lower-casing and dropping "_" and "-": credential_ciphertext, credentialCiphertext, api-key …
const secretSuffixes = ["password", "passwordhash", "secret", "hash", "ciphertext", "apikey", "privatekey", "authorization", "cookie", "credential", "credentials", "token"];
const safeNames = new Set(["keyprefix", "tokenprefix", "credentiallast4", "credentialhint"]);

const secretValuePatterns = [
  /^(vk|mga|mgi)_[A-Za-z0-9_-]{20,}$/, // issued virtual keys, admin tokens, invitation tokens
  /^bearer\s+\S+/i,
  /^\$argon2(id|i|d)\$/,
  /^[0-9a-f]{64}$/i, // SHA-256 digests (key and token hashes)
  /^v1\.[A-Za-z0-9+/=_.-]{16,}$/, // secret-box ciphertexts
  /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

export function isSecretField(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[_-]/g, "");
  if (safeNames.has(normalized)) return false;
  return normalized === "key" || secretSuffixes.some((suffix) => normalized.endsWith(suffix));
}

function isSecretValue(value: string): boolean {
  return secretValuePatterns.some((pattern) => pattern.test(value));
}

/** A copy of `value` with every secret replaced by "[redacted]" (null and undefined stay as they are). */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return isSecretValue(value) ? MASKED : value;
  if (typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (depth > 20) return MASKED;
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    masked[name] = isSecretField(name) && item !== null ? MASKED : maskSecrets(item, depth + 1);
  }
  return masked;
}
