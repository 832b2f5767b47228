/**
 * A gateway-only replica (MODELGATE_ROLE=gateway, `npm run start:gateway`): the data plane alone —
 * `/v1/*`, its WebSocket transports, `/api/health` and `/api/ready` — without Next.js or React in the
 * process. Any number of these share one PostgreSQL with the console process(es); configuration reaches
 * them through the database's change notifications, usage rows go to the shared ledger. README "Deployment".
 * Nothing here (or below it) may import Next, React or the console: scripts/build-server.mjs checks the bundle.
 */
import { getDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/server/env";
import { getGatewayRuntime } from "@/server/gateway/runtime";
import { describeError, logger } from "@/server/logger";
import { stopMcpRuntime } from "@/server/mcp/runtime";
import type { ProcessState } from "@/server/serve/health";
import { createModelgateServer, refuseConsole } from "@/server/serve/http-server";
import { installGracefulShutdown } from "@/server/serve/shutdown";
import { serveMetrics } from "@/server/telemetry/serve-metrics";

async function main(): Promise<void> {
  const started = Date.now();
  const settings = env();
  if (!settings.DATABASE_URL) {
    throw new Error("A gateway-only replica needs DATABASE_URL: the embedded database belongs to one process (npm start).");
  }
  if (!settings.GATEWAY_ENCRYPTION_KEY) {
    throw new Error("A gateway-only replica needs GATEWAY_ENCRYPTION_KEY, the same value as the console's, to read provider credentials.");
  }
  const handle = await getDatabase({ databaseUrl: settings.DATABASE_URL });
  await migrateDatabase(handle);
  const runtime = await getGatewayRuntime();
  const state: ProcessState = { draining: false };
  const serving = createModelgateServer({ runtime, state, db: handle.db, metrics: await serveMetrics(handle, settings), fallback: refuseConsole });
  await new Promise<void>((resolve) => serving.server.listen(settings.PORT, settings.HOST, resolve));
  logger.info("modelgate gateway ready", { role: "gateway", port: settings.PORT, startup_ms: Date.now() - started });

  installGracefulShutdown({
    serving,
    state,
    delayMs: settings.SHUTDOWN_DELAY_MS,
    timeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    stopRuntime: async () => {
      await stopMcpRuntime();
      await runtime.stop();
    },
    closeDatabase: () => handle.close(),
    releaseLock: () => {},
  });
}

main().catch((error) => {
  logger.error("modelgate gateway failed to start", describeError(error));
  process.exit(1);
});
