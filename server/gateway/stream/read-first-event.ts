import type { ProviderId, Result, StreamEvent } from "../types";
import { classifyUpstreamFailure } from "../upstream";
import type { EventReader } from "./run-stream";

/**
 * Waits for the first normalized event within the first-token timeout. An error or an empty
 * stream at this point is returned as a failure (the response is not committed yet, so the
 * attempt loop may retry and the caller gets a real HTTP status).
 */
export async function readFirstEvent(reader: EventReader, timeoutMs: number, provider: ProviderId): Promise<Result<StreamEvent>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const next = await Promise.race([reader.read(), timeout]);
    if (next === "timeout") {
      reader.cancel().catch(() => {});
      return { ok: false, error: { kind: "timeout", phase: "first_token" } };
    }
    if (next.done) return { ok: false, error: { kind: "stream_cut", provider } };
    if (next.value.type === "error") {
      reader.cancel().catch(() => {});
      return next.value.usage ? { ok: false, error: next.value.error, usage: next.value.usage } : { ok: false, error: next.value.error };
    }
    return { ok: true, value: next.value };
  } catch (error) {
    reader.cancel().catch(() => {});
    return { ok: false, error: classifyUpstreamFailure(error, provider) };
  } finally {
    clearTimeout(timer);
  }
}
