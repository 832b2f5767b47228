/**
 * modelgate's `npm start` process: a Next.js custom server. `/v1/*` goes to the gateway's node transport
 * before Next's router sees it (the hot path; see ../shared/STACK.md for why), the probes are answered
 * natively, everything else (console, tRPC, auth, admin API) goes to Next. WebSocket upgrades under `/v1/`
 * go to the gateway's WebSocket transports; others go to Next in dev only (HMR).
 * MODELGATE_ROLE=console serves the console alone (no data plane); gateway-only replicas run gateway.ts.
 */
import { createServer } from "node:http";
import next from "next";
import { getDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { bootstrap } from "@/server/bootstrap";
import { acquireDataDirLock } from "@/server/data-dir-lock";
import { getEncryptionKey, resolveAuthSecret } from "@/server/crypto/instance-secrets";
import { env } from "@/server/env";
import { startExportRunner } from "@/server/exports/export-runner";
import { getGatewayRuntime, stopGatewayRuntime } from "@/server/gateway/runtime";
import { describeError, logger } from "@/server/logger";
import { stopMcpRuntime } from "@/server/mcp/runtime";
import type { ProcessState } from "@/server/serve/health";
import { stampClientAddress } from "@/server/serve/client-address";
import { createModelgateServer } from "@/server/serve/http-server";
import { installGracefulShutdown } from "@/server/serve/shutdown";
import { serveMetrics } from "@/server/telemetry/serve-metrics";

async function main(): Promise<void> {
  const settings = env();
  if (settings.MODELGATE_ROLE === "gateway") throw new Error("MODELGATE_ROLE=gateway runs dist/gateway.mjs (npm run start:gateway), not server.ts.");
  const servesGateway = settings.MODELGATE_ROLE === "all";
  const dev = process.env.NODE_ENV !== "production";
  const publicUrl = settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`;
  process.env.AUTH_SECRET = resolveAuthSecret(settings.AUTH_SECRET, settings.DATA_DIR);
  // Without PUBLIC_URL, next-auth follows the host the browser uses (127.0.0.1, a VM's address, a proxy's
  // X-Forwarded-Host): a fixed AUTH_URL would send sign-ins from any other host to the wrong origin.
  if (settings.PUBLIC_URL) process.env.AUTH_URL ??= settings.PUBLIC_URL;
  process.env.AUTH_TRUST_HOST ??= "true";
  if (settings.DATABASE_URL && !settings.GATEWAY_ENCRYPTION_KEY) {
    logger.warn("GATEWAY_ENCRYPTION_KEY is not set: using a key generated into DATA_DIR. Replicas sharing this database need the same key.");
  }
  const releaseLock = settings.DATABASE_URL ? () => {} : acquireDataDirLock(settings.DATA_DIR);

  const started = Date.now();
  const handle = await getDatabase({ databaseUrl: settings.DATABASE_URL, dataDir: settings.DATA_DIR });
  await migrateDatabase(handle);
  const { setupLink } = await bootstrap(handle.db, settings, getEncryptionKey(), publicUrl);
  const runtime = servesGateway ? await getGatewayRuntime() : undefined;
  // Scheduled exports run where the reports code lives: every process serving the console (role all or console;
  // gateway-only replicas never load it). Each delivery is claimed by one process (server/exports/export-runner.ts).
  const exportRunner = startExportRunner(handle.db, settings.EXPORT_DELIVERY_INTERVAL_MS, { signingSecret: settings.WEBHOOK_SIGNING_SECRET, allowPrivateHosts: settings.GATEWAY_ALLOW_PRIVATE_HOSTS });

  // Next attaches its own upgrade listener to `httpServer` (or, by default, to this server on its first
  // request) and ends upgrades whose path matches an app route, such as `/v1/responses`. Hand it a
  // server that never listens: upgrades are routed by ours; in dev the HMR ones are handed to Next's own
  // listener on that server (its getUpgradeHandler() does not complete them when Next has its own server).
  const nextUpgrades = createServer();
  const app = next({ dev, dir: process.cwd(), hostname: settings.HOST, port: settings.PORT, httpServer: nextUpgrades });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const state: ProcessState = { draining: false };
  const serving = createModelgateServer({
    runtime,
    state,
    db: handle.db,
    metrics: await serveMetrics(handle, settings),
    fallback: (request, response) => {
      stampClientAddress(request);
      void handleNext(request, response);
    },
    fallbackUpgrade: dev ? (request, socket, head) => void nextUpgrades.emit("upgrade", request, socket, head) : undefined,
  });
  await new Promise<void>((resolve) => serving.server.listen(settings.PORT, settings.HOST, resolve));

  const database = settings.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${settings.DATA_DIR}`;
  logger.info("modelgate ready", { url: publicUrl, role: settings.MODELGATE_ROLE, database, startup_ms: Date.now() - started, mode: dev ? "development" : "production" });
  const banner = [`\n  modelgate is running at ${publicUrl}`];
  if (servesGateway) banner.push(`  gateway:  ${publicUrl}/v1  (OpenAI-compatible; use a virtual key)`);
  else banner.push("  role:     console only (MODELGATE_ROLE=console); API traffic goes to gateway replicas");
  banner.push(`  database: ${database}`);
  if (setupLink) banner.push("", "  No console user exists yet. Create the owner account (one-time link, valid 24 hours):", `  ${setupLink}`);
  else if (settings.ADMIN_EMAIL) banner.push(`  sign in:  ${publicUrl}/login as ${settings.ADMIN_EMAIL}`);
  else banner.push(`  sign in:  ${publicUrl}/login`);
  process.stdout.write(banner.join("\n") + "\n\n");

  installGracefulShutdown({
    serving,
    state,
    delayMs: settings.SHUTDOWN_DELAY_MS,
    timeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    // The console may have started the runtime lazily (Test connection) even without serving /v1.
    stopRuntime: async () => {
      exportRunner.stop();
      await stopMcpRuntime();
      await stopGatewayRuntime();
    },
    closeDatabase: () => handle.close(),
    releaseLock,
  });
}

main().catch((error) => {
  logger.error("modelgate failed to start", describeError(error));
  process.exit(1);
});
