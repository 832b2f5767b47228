import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseEncryptionKey } from "./secret-box";

/**
 * Secrets a single-node install generates for itself on first start, into the data folder
 * (mode 0600). Replicas must share them: set GATEWAY_ENCRYPTION_KEY and AUTH_SECRET instead.
 */
function readOrCreate(dataDir: string, file: string, make: () => string): string {
  const location = path.resolve(dataDir, file);
  if (existsSync(location)) return readFileSync(location, "utf8").trim();
  mkdirSync(path.dirname(location), { recursive: true });
  const value = make();
  writeFileSync(location, value + "\n", { mode: 0o600, flag: "wx" });
  return value;
}

export function resolveEncryptionKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return parseEncryptionKey(configured);
  return parseEncryptionKey(readOrCreate(dataDir, "encryption.key", () => randomBytes(32).toString("base64")));
}

export function resolveAuthSecret(configured: string | undefined, dataDir: string): string {
  return configured || readOrCreate(dataDir, "auth.secret", () => randomBytes(32).toString("base64url"));
}

const globalKey = Symbol.for("modelgate.encryptionKey");

/** The process's encryption key (env or data folder), memoized on globalThis for both bundles. */
export function getEncryptionKey(): Buffer {
  const store = globalThis as typeof globalThis & { [globalKey]?: Buffer };
  store[globalKey] ??= resolveEncryptionKey(process.env.GATEWAY_ENCRYPTION_KEY, process.env.DATA_DIR || "./.data");
  return store[globalKey];
}
