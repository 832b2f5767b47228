import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "@/db/client";
import { authenticateAdmin } from "@/server/admin/admin-auth";
import { can } from "@/server/admin/permissions";
import { describeError, logger } from "@/server/logger";
import type { GatewayMetrics } from "./metrics";

export const METRICS_PATH = "/metrics";

export interface MetricsEndpointOptions {
  metrics?: GatewayMetrics;
  db: Database;
  adminKey?: string;
  /** false on METRICS_PORT's own listener, which serves without a token. */
  requireToken: boolean;
}

/**
 * GET /metrics in the Prometheus text format. On the main port it takes the admin API's bearer token
 * (GATEWAY_ADMIN_KEY or an `mga_` token) of a role that reads the whole org (owner, admin, finance, viewer; a
 * developer's token is refused: the figures cover every key). Errors have the OpenAI error shape.
 */
export function createMetricsEndpoint(options: MetricsEndpointOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    try {
      if (request.method !== "GET" && request.method !== "HEAD") return sendError(response, 405, "Use GET /metrics.", "method_not_allowed");
      if (!options.metrics) return sendError(response, 404, "Metrics are off on this process (METRICS_ENABLED=false).", "not_found");
      if (options.requireToken) {
        const actor = await authenticateAdmin(options.db, request.headers.authorization ?? null, options.adminKey);
        if (!actor) return sendError(response, 401, "Pass an admin token as 'Authorization: Bearer <token>' (GATEWAY_ADMIN_KEY or an mga_ token).", "invalid_admin_token");
        if (!can(actor.role, "org:read-all")) return sendError(response, 403, "Your role cannot read the gateway's metrics: they cover the whole org.", "forbidden");
      }
      const { contentType, body } = await options.metrics.exposition();
      response.writeHead(200, { "content-type": contentType, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch (error) {
      logger.error("metrics request failed", describeError(error));
      if (!response.headersSent) sendError(response, 500, "The metrics could not be collected.", "internal_error");
    }
  };
}

function sendError(response: ServerResponse, status: number, message: string, code: string): void {
  const payload = JSON.stringify({ error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code, param: null } });
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }).end(payload);
}
