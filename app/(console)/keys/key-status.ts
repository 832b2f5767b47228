export type KeyStatus = "active" | "expired" | "revoked";

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = Date.now()): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now) return "expired";
  return "active";
}
