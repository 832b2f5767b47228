import type { Executor } from "@/db/client";
import { findResponse, insertResponse } from "@/db/queries/responses";
import type { ChatMessage } from "../../types";
import type { ResponseStore, StoredResponse } from "./response-store";

/**
 * The ResponseStore over PostgreSQL (db/queries/responses.ts). Saves run off the response path;
 * a read of an id whose save is still in flight in this process waits for it, so a client that
 * continues a conversation immediately never sees a spurious 404.
 */
export function createDatabaseResponseStore(db: Executor): ResponseStore {
  const pending = new Map<string, Promise<void>>();
  return {
    async find(orgId, keyId, id) {
      await pending.get(id)?.catch(() => {});
      const row = await findResponse(db, { orgId, keyId, id });
      return row ? { ...row, messages: row.messages as ChatMessage[] } : undefined;
    },
    save(record: StoredResponse) {
      const saving = insertResponse(db, record).finally(() => pending.delete(record.id));
      pending.set(record.id, saving);
      return saving;
    },
  };
}
