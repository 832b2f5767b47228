import type { ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

/** What load balancers and orchestrators ask: is the process alive, and should it get traffic. */
export interface ProcessState {
  /** Set at SIGTERM: readiness answers 503 from then on, liveness stays 200. */
  draining: boolean;
}

export const HEALTH_PATH = "/api/health";
export const READY_PATH = "/api/ready";

export function isProbePath(path: string): boolean {
  return path === HEALTH_PATH || path === READY_PATH;
}

/**
 * Answers the two probes natively, in every role, before Next (or nothing) sees them:
 * `/api/health` is liveness (no I/O); `/api/ready` is readiness (not draining, and the database answers).
 */
export async function answerProbe(path: string, response: ServerResponse, state: ProcessState, db: Database): Promise<void> {
  if (path === HEALTH_PATH) return send(response, 200, { status: "ok" });
  if (state.draining) return send(response, 503, { status: "draining" });
  try {
    await db.execute(sql`select 1`);
    send(response, 200, { status: "ready", database: "ok" });
  } catch {
    send(response, 503, { status: "not_ready", database: "unreachable" });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(payload) }).end(payload);
}
