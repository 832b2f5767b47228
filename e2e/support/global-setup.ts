/**
 * Starts the three fake providers and the built app (node dist/server.mjs, the `npm start`
 * path) on a fresh embedded database in a temporary DATA_DIR, with the fakes configured as the
 * environment's providers. Returns the teardown.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../fakes/anthropic-fake";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "../fakes/gemini-fake";
import { FAKE_IDP_CLIENT_ID, FAKE_IDP_CLIENT_SECRET, startFakeIdp } from "../fakes/oidc-idp";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import { E2E_ENV_FILE, type E2eEnv } from "./e2e-env";

const port = Number(process.env.E2E_PORT ?? 3211);

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}; see e2e/.tmp/server.log`);
    try {
      const response = await fetch(`${url}/api/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the app did not become ready within ${timeoutMs} ms; see e2e/.tmp/server.log`);
}

export default async function globalSetup() {
  // The IdP for the SSO spec (e2e/console/sso.spec.ts): a real OpenID Connect provider.
  const idp = await startFakeIdp({ redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/sso`, `http://localhost:${port}/api/auth/callback/sso`] });
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const tmpDir = path.join(import.meta.dirname, "..", ".tmp");
  mkdirSync(tmpDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-e2e-"));
  const baseURL = `http://127.0.0.1:${port}`;
  const values: E2eEnv = {
    baseURL,
    adminEmail: "owner@e2e.test",
    adminPassword: "e2e-owner-password-123",
    adminKey: "e2e-admin-key-0123456789abcdef",
    fakeOpenAIUrl: openai.url,
    fakeAnthropicUrl: anthropic.url,
    fakeGeminiUrl: gemini.url,
    ssoIssuer: idp.issuer,
    ssoAllowedDomain: "corp.test",
  };
  writeFileSync(E2E_ENV_FILE, JSON.stringify(values, null, 2));

  const log = createWriteStream(path.join(tmpDir, "server.log"));
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], {
    cwd: path.join(import.meta.dirname, "..", ".."),
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      // No PUBLIC_URL, as on a newcomer's machine: sign-in must follow the host the browser uses (sign-in-hosts.spec.ts).
      PUBLIC_URL: "",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      ADMIN_EMAIL: values.adminEmail,
      ADMIN_PASSWORD: values.adminPassword,
      GATEWAY_ADMIN_KEY: values.adminKey,
      OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY,
      ANTHROPIC_BASE_URL: `${anthropic.url}/v1`,
      GEMINI_API_KEY: FAKE_GEMINI_API_KEY,
      GEMINI_BASE_URL: `${gemini.url}/v1beta`,
      GATEWAY_ALLOW_PRIVATE_HOSTS: "127.0.0.1",
      SSO_ISSUER: idp.issuer,
      SSO_CLIENT_ID: FAKE_IDP_CLIENT_ID,
      SSO_CLIENT_SECRET: FAKE_IDP_CLIENT_SECRET,
      SSO_NAME: "Test IdP",
      SSO_ALLOWED_DOMAINS: values.ssoAllowedDomain,
      SSO_DEFAULT_ROLE: "viewer",
      UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: "3000",
      UPSTREAM_IDLE_TIMEOUT_MS: "1500",
      UPSTREAM_MAX_RETRIES: "1",
      USAGE_FLUSH_INTERVAL_MS: "100",
      MAX_REQUEST_BODY_BYTES: String(2 * 1024 * 1024),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  await waitForHealth(baseURL, child, 90_000);

  return async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await Promise.all([openai.close(), anthropic.close(), gemini.close(), idp.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
