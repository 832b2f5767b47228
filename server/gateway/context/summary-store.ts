import type { Database } from "@/db/client";
import { findLongestSummary, insertSummary } from "@/db/queries/context-summaries";

/** A summary of a conversation's first `messageCount` messages (summarize mode), as stored for the next turn. */
export interface StoredSummary {
  prefixHash: string;
  messageCount: number;
  summary: string;
  tokens: number;
  model: string;
  requestId: string;
}

/** Where summaries are kept between turns: PostgreSQL in production, memory in tests. */
export interface SummaryStore {
  /** The stored summary of the longest of these prefixes (one conversation's, longest first or in any order). */
  findLongest(orgId: string, prefixHashes: string[]): Promise<StoredSummary | undefined>;
  save(orgId: string, summary: StoredSummary): Promise<void>;
}

export function createDatabaseSummaryStore(db: Database): SummaryStore {
  return {
    async findLongest(orgId, prefixHashes) {
      const row = await findLongestSummary(db, orgId, prefixHashes);
      return row ? { prefixHash: row.prefixHash, messageCount: row.messageCount, summary: row.summary, tokens: row.tokens, model: row.model, requestId: row.requestId } : undefined;
    },
    save: (orgId, summary) => insertSummary(db, { orgId, ...summary }),
  };
}

/** In-process summaries (tests, and a gateway without a database handle). */
export function createMemorySummaryStore(): SummaryStore {
  const rows = new Map<string, StoredSummary>();
  return {
    async findLongest(orgId, prefixHashes) {
      let best: StoredSummary | undefined;
      for (const hash of prefixHashes) {
        const row = rows.get(`${orgId}:${hash}`);
        if (row && (!best || row.messageCount > best.messageCount)) best = row;
      }
      return best;
    },
    async save(orgId, summary) {
      const key = `${orgId}:${summary.prefixHash}`;
      if (!rows.has(key)) rows.set(key, summary);
    },
  };
}
