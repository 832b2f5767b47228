import type { ChatMessage } from "../../types";

/** How long a stored response can be continued, as OpenAI keeps them: 30 days. */
export const RESPONSE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A conversation stored by `POST /v1/responses`, continued with `previous_response_id`. */
export interface StoredResponse {
  id: string;
  orgId: string;
  keyId: string;
  model: string;
  /** The chat messages that formed the conversation, the answer last (instructions excluded). */
  messages: ChatMessage[];
  createdAt: Date;
  expiresAt: Date;
}

/** Where the gateway keeps responses (optional: without one, previous_response_id is refused). */
export interface ResponseStore {
  /** Only the same org and key can read a response back; expired ones are gone. */
  find(orgId: string, keyId: string, id: string): Promise<StoredResponse | undefined>;
  save(record: StoredResponse): Promise<void>;
  /** A `store: false` response, kept only by stores scoped to one connection (WebSocket mode); optional. */
  remember?(record: StoredResponse): void;
}

/** For tests and single-process dev: a Map, expiry checked on read. */
export function createMemoryResponseStore(): ResponseStore & { records: Map<string, StoredResponse> } {
  const records = new Map<string, StoredResponse>();
  return {
    records,
    async find(orgId, keyId, id) {
      const record = records.get(id);
      return record && record.orgId === orgId && record.keyId === keyId && record.expiresAt.getTime() > Date.now() ? record : undefined;
    },
    async save(record) {
      records.set(record.id, record);
    },
  };
}
