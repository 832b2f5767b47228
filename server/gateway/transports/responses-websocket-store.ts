/**
 * WebSocket mode's connection-local cache: the socket's most recent response, kept in memory for
 * the socket's lifetime in front of the gateway's ResponseStore, so the next `response.create`
 * can continue it with `previous_response_id` even with `store: false` (which never reaches the
 * database). Only the latest response is kept, as OpenAI and xAI document, and only while its
 * conversation stays under `maxBytes`; `store: true` responses are also saved to the persistent store.
 * References: https://developers.openai.com/api/docs/guides/websocket-mode
 * and https://docs.x.ai/developers/advanced-api-usage/websocket-mode
 */
import type { ResponseStore, StoredResponse } from "../inbound/responses/response-store";

/** A remembered conversation above this (JSON characters) is dropped: the next turn must resend it. */
export const MAX_REMEMBERED_CHARS = 8 * 1024 * 1024;

export function createConnectionResponseStore(persistent: ResponseStore | undefined, maxChars = MAX_REMEMBERED_CHARS): ResponseStore {
  let latest: StoredResponse | undefined;
  const keep = (record: StoredResponse) => {
    latest = JSON.stringify(record.messages).length <= maxChars ? record : undefined;
  };
  return {
    async find(orgId, keyId, id) {
      if (latest && latest.id === id && latest.orgId === orgId && latest.keyId === keyId) return latest;
      return persistent?.find(orgId, keyId, id);
    },
    save(record) {
      keep(record);
      return persistent ? persistent.save(record) : Promise.resolve();
    },
    remember(record) {
      keep(record);
    },
  };
}
