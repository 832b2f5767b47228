/**
 * modelgate's process: a Next.js custom server. `/v1/*` goes to the gateway's node transport
 * before Next's router sees it (the hot path; see ../shared/STACK.md for why); everything else
 * (console, tRPC, auth, admin API, health) goes to Next. WebSocket upgrades under `/v1/` go to the
 * gateway's WebSocket transports (README "WebSocket streaming"); others go to Next in dev only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { getDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { bootstrap } from "@/server/bootstrap";
import { acquireDataDirLock } from "@/server/data-dir-lock";
import { getEncryptionKey, resolveAuthSecret } from "@/server/crypto/instance-secrets";
import { env } from "@/server/env";
import { createNodeHandler } from "@/server/gateway/transports/node";
import { createWebSocketRouter } from "@/server/gateway/transports/websocket-router";
import { getGatewayRuntime } from "@/server/gateway/runtime";
import { describeError, logger } from "@/server/logger";

async function main(): Promise<void> {
  const settings = env();
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
  const runtime = await getGatewayRuntime();
  const gateway = createNodeHandler(async () => runtime.deps, runtime.limits);

  // Next attaches its own upgrade listener to `httpServer` (or, by default, to this server on its first
  // request) and ends upgrades whose path matches an app route, such as `/v1/responses`. Hand it a
  // server that never listens: upgrades are routed below; in dev the HMR ones are handed to Next's own
  // listener on that server (its getUpgradeHandler() does not complete them when Next has its own server).
  const nextUpgrades = createServer();
  const app = next({ dev, dir: process.cwd(), hostname: settings.HOST, port: settings.PORT, httpServer: nextUpgrades });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? "/";
    if (url.startsWith("/v1/") || url === "/v1") {
      void gateway(request, response);
      return;
    }
    void handleNext(request, response);
  });
  // WebSocket upgrades: `/v1/*` to the gateway's WebSocket transports (`/v1/responses`: Responses
  // WebSocket mode; `/v1/realtime/chat`: multiplexed chat); the rest to Next in dev only (HMR).
  const websocket = createWebSocketRouter(async () => runtime.deps, runtime.limits);
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((request.url ?? "/").startsWith("/v1/")) void websocket.handleUpgrade(request, socket, head);
    else if (dev) nextUpgrades.emit("upgrade", request, socket, head);
    else socket.destroy();
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0; // streams may run long; body reads have their own timeout
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(settings.PORT, settings.HOST, resolve));

  const database = settings.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${settings.DATA_DIR}`;
  logger.info("modelgate ready", { url: publicUrl, database, startup_ms: Date.now() - started, mode: dev ? "development" : "production" });
  const banner = [`\n  modelgate is running at ${publicUrl}`, `  gateway:  ${publicUrl}/v1  (OpenAI-compatible; use a virtual key)`, `  database: ${database}`];
  if (setupLink) banner.push("", "  No console user exists yet. Create the owner account (one-time link, valid 24 hours):", `  ${setupLink}`);
  else if (settings.ADMIN_EMAIL) banner.push(`  sign in:  ${publicUrl}/login as ${settings.ADMIN_EMAIL}`);
  else banner.push(`  sign in:  ${publicUrl}/login`);
  process.stdout.write(banner.join("\n") + "\n\n");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    server.close();
    server.closeIdleConnections();
    websocket.close();
    // Give in-flight requests a moment; usage rows are flushed below either way.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await new Promise<number>((resolve) => server.getConnections((_e, count) => resolve(count)))) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    server.closeAllConnections();
    await runtime.stop();
    await handle.close();
    releaseLock();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  logger.error("modelgate failed to start", describeError(error));
  process.exit(1);
});
