import { describeError, logger } from "@/server/logger";
import type { McpAuditEvent, McpCallRecord } from "./contract";

export interface McpWriterOptions {
  writeCalls(rows: McpCallRecord[]): Promise<void>;
  writeDenials(rows: McpAuditEvent[]): Promise<void>;
  intervalMs: number;
  maxBatch?: number;
}

/**
 * Call rows and denial audit rows, queued off the response path and written in batches every `intervalMs`.
 * A failed batch stays queued and is retried on the next tick; stop() flushes what is left.
 */
export function createMcpWriter(options: McpWriterOptions) {
  const calls: McpCallRecord[] = [];
  const denials: McpAuditEvent[] = [];
  const maxBatch = options.maxBatch ?? 500;
  let flushing: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (calls.length > 0 || denials.length > 0) {
      const callBatch = calls.slice(0, maxBatch);
      const denialBatch = denials.slice(0, maxBatch);
      try {
        await options.writeCalls(callBatch);
        calls.splice(0, callBatch.length);
        await options.writeDenials(denialBatch);
        denials.splice(0, denialBatch.length);
      } catch (error) {
        logger.warn("MCP call rows could not be written; will retry", { ...describeError(error), queued: calls.length + denials.length });
        return;
      }
    }
  }
  const flush = () => (flushing ??= drain().finally(() => (flushing = null)));
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    recordCall(record: McpCallRecord) {
      calls.push(record);
    },
    audit(event: McpAuditEvent) {
      denials.push(event);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
      if (calls.length + denials.length > 0) await flush();
    },
  };
}
