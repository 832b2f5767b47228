import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { DatabaseHandle } from "@/db/client";
import type { Env } from "@/server/env";
import { describeError, logger } from "@/server/logger";
import { readDatabasePool } from "./database-pool";
import { createMetricsEndpoint, METRICS_PATH } from "./metrics-endpoint";
import { getTelemetry } from "./telemetry";

/**
 * Sets up /metrics for a process (every role): watches its database pool, starts the METRICS_PORT listener when
 * that is set (no token there: bind it to a private address), and returns the token-checked handler the main
 * port serves at /metrics.
 */
export async function serveMetrics(handle: DatabaseHandle, settings: Env): Promise<(request: IncomingMessage, response: ServerResponse) => void> {
  const { metrics } = await getTelemetry();
  metrics?.watchDatabasePool(readDatabasePool(handle));
  const common = { metrics, db: handle.db, adminKey: settings.GATEWAY_ADMIN_KEY };
  if (metrics && settings.METRICS_PORT) {
    const open = createMetricsEndpoint({ ...common, requireToken: false });
    const server = createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0];
      if (path === METRICS_PATH) return void open(request, response);
      const payload = JSON.stringify({ error: { message: "This listener serves GET /metrics only.", type: "invalid_request_error", code: "not_found", param: null } });
      response.writeHead(404, { "content-type": "application/json" }).end(payload);
    });
    server.on("error", (error) => logger.error("metrics listener failed", { port: settings.METRICS_PORT, ...describeError(error) }));
    server.listen(settings.METRICS_PORT, settings.METRICS_HOST, () => logger.info("metrics listening", { host: settings.METRICS_HOST, port: settings.METRICS_PORT }));
    server.unref();
  }
  const guarded = createMetricsEndpoint({ ...common, requireToken: true });
  return (request, response) => void guarded(request, response);
}
