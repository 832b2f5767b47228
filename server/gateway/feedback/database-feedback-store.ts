import type { Database } from "@/db/client";
import { upsertFeedback } from "@/db/queries/request-feedback";
import type { FeedbackStore } from "./submit-feedback";

/**
 * Feedback in PostgreSQL. Ledger rows are written in batches (USAGE_FLUSH_INTERVAL_MS, 250 ms by default), so an
 * answer rated at once may not have its row yet: on a miss this replica's queue is flushed and, after `retryAfterMs`
 * (long enough for another replica's batch), the one statement runs a last time. A request nobody made costs three
 * statements; a request of this key costs one.
 */
export function createDatabaseFeedbackStore(db: Database, options: { flushUsage?: () => Promise<void>; retryAfterMs: number }): FeedbackStore {
  return {
    async rate({ key, requestId, entries }) {
      const attempt = () => upsertFeedback(db, { orgId: key.orgId, keyId: key.id, teamId: key.teamId, requestId, entries });
      const first = await attempt();
      if (first.length > 0) return first;
      await options.flushUsage?.();
      const second = await attempt();
      if (second.length > 0) return second;
      await new Promise((resolve) => setTimeout(resolve, options.retryAfterMs));
      return attempt();
    },
  };
}
