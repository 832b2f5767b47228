import { describeError, logger } from "@/server/logger";
import { priceAt } from "../config/config-source";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import { costPicos } from "../pricing";
import type { ChatResult, Usage } from "../types";
import { isStorable, toCachedAnswer } from "./cached-answer";

let lastWarnAt = 0;

/**
 * Stores a complete answer for its request's cache ticket, off the response path (the write is not awaited).
 * Only clean, untruncated answers with parseable tool calls are kept (cached-answer.ts isStorable); the entry
 * remembers what the answer cost at the serving model's price, the money a later hit saves.
 */
export function storeAnswer(deps: GatewayDeps, record: RequestRecord, result: ChatResult | undefined, usage: Usage): void {
  const ticket = record.cache;
  if (!ticket?.store || !deps.responseCache || !result || !isStorable(result)) return;
  ticket.store = false;
  const price = record.model ? priceAt(record.model, record.startedAt) : undefined;
  const answer = toCachedAnswer(result, usage, price ? costPicos(usage, price) : 0n, record.model?.upstreamModel ?? null);
  const store = deps.responseCache;
  const { semantic } = ticket;
  const written = store.set(record.key.orgId, ticket.hash, answer, ticket.ttlSeconds);
  // A semantic miss also indexes its embedding, after the answer it points at is stored.
  const indexed = semantic ? written.then(() => store.rememberVector(record.key.orgId, semantic.paramsHash, { hash: ticket.hash, vector: semantic.vector }, ticket.ttlSeconds)) : written;
  indexed.catch((error) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn("response cache: storing an answer failed", { request_id: record.id, ...describeError(error) });
  });
}
