/**
 * What the console shows of a stored credential: its last four characters, as API-key dashboards do. A service-account
 * key JSON (Vertex) ends in `com"}` for every key, so it is identified by the last four characters of its
 * `private_key_id` instead (Google's console lists keys by that id). Never more than four characters of anything.
 */
export function credentialHint(secret: string): string {
  const text = secret.trim();
  if (text.startsWith("{")) {
    try {
      const keyId: unknown = (JSON.parse(text) as { private_key_id?: unknown }).private_key_id;
      if (typeof keyId === "string" && keyId.length >= 4) return keyId.slice(-4);
    } catch {
      // Not JSON after all: fall through to the plain last four.
    }
  }
  return text.slice(-4);
}
