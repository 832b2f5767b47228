import { describeError, flushLogs, logger } from "@/server/logger";
import type { ProcessState } from "./health";
import type { ModelgateServer } from "./http-server";

export interface ShutdownParts {
  serving: ModelgateServer;
  state: ProcessState;
  /** Readiness is false for this long before the listener closes (load balancers stop routing here). */
  delayMs: number;
  /** In-flight requests and streams may finish within this; then their connections are closed. */
  timeoutMs: number;
  /** Flushes queued usage rows and closes upstream pools and the config listener. */
  stopRuntime(): Promise<void>;
  closeDatabase(): Promise<void>;
  releaseLock(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM / SIGINT, in the order a load balancer needs: readiness false → (delay) → stop accepting
 * → in-flight requests finish (deadline) → remaining connections closed → usage rows flushed → exit.
 * A stream cut at the deadline ends without [DONE], so the client never mistakes it for a complete answer,
 * and its ledger row is written (aborted, with tokens so far) before the process exits.
 */
export function installGracefulShutdown(parts: ShutdownParts): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const { serving, state } = parts;
    state.draining = true;
    logger.info("draining", { signal, in_flight: serving.inFlight.count, delay_ms: parts.delayMs, timeout_ms: parts.timeoutMs });
    try {
      if (parts.delayMs > 0) await sleep(parts.delayMs);
      serving.server.close();
      const deadline = Date.now() + parts.timeoutMs;
      while (serving.inFlight.count > 0 && Date.now() < deadline) {
        serving.server.closeIdleConnections();
        await sleep(50);
      }
      if (serving.inFlight.count > 0) logger.warn("drain deadline reached; closing open connections", { in_flight: serving.inFlight.count });
      serving.closeWebSockets();
      serving.server.closeAllConnections();
      // Let the pipeline settle the ledger rows of requests whose connections just closed.
      await sleep(20);
      await parts.stopRuntime();
      await parts.closeDatabase();
    } catch (error) {
      logger.error("shutdown step failed", describeError(error));
    } finally {
      parts.releaseLock();
      logger.info("stopped");
      flushLogs();
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
