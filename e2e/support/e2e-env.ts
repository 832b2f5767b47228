import { readFileSync } from "node:fs";
import path from "node:path";

/** Values the global setup wrote for the specs (fakes' URLs, admin credentials). */
export interface E2eEnv {
  baseURL: string;
  adminEmail: string;
  adminPassword: string;
  adminKey: string;
  fakeOpenAIUrl: string;
  fakeAnthropicUrl: string;
  fakeGeminiUrl: string;
  /** The local OpenID Connect provider the app's SSO_ISSUER points at. */
  ssoIssuer: string;
  ssoAllowedDomain: string;
}

export const E2E_ENV_FILE = path.join(import.meta.dirname, "..", ".tmp", "env.json");

let cached: E2eEnv | undefined;

export function e2eEnv(): E2eEnv {
  cached ??= JSON.parse(readFileSync(E2E_ENV_FILE, "utf8")) as E2eEnv;
  return cached;
}
