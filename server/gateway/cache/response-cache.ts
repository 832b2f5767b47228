import type { GroupDefinition } from "@/db/schema/model-group-definition";
import type { GatewayRequest, GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import type { InboundFormat } from "../inbound/inbound-format";
import { settleInBackground, type RequestRecord } from "../ledger";
import { responseHeaders } from "../chat/response-headers";
import type { ChatRequest } from "../types";
import { computeCacheKey } from "./cache-key";
import { readCacheDirective } from "./cache-directive";
import type { CachedAnswer } from "./cached-answer";
import { resolveCacheSettings, type CacheSettings } from "./cache-settings";
import { replayJson, replayStream } from "./replay";
import { embedText, mostSimilar, paramsHash, visibleText } from "./semantic";

/** The cache's part in one request, kept on its record: the ledger mark, the response headers, whether to store. */
export interface CacheTicket {
  status: "hit" | "miss" | "bypass";
  hash: string;
  ttlSeconds: number;
  /** Whether a complete answer to this request is stored (no-store and hits: no). */
  store: boolean;
  /** On a hit: seconds since the answer was produced, and what it cost then (picodollars). */
  ageSeconds?: number;
  savedPicos?: bigint;
  /** Semantic cache: the request's parameters hash and text embedding (indexed with the answer once stored), and a hit's similarity. */
  semantic?: { paramsHash: string; vector: number[]; similarity?: number };
}

export interface CacheLookup {
  request: Pick<GatewayRequest, "header" | "signal">;
  /** The format the answer is encoded in (bound to the request, e.g. the Responses API's stored conversation). */
  format: InboundFormat;
  chatRequest: ChatRequest;
  /** What the model name resolved to (cache-key.ts CacheKeyScope.target). */
  target: string;
  /** The model group the name routes to, whose own response_cache setting may override the key's (cache-settings.ts). */
  groupCache?: GroupDefinition["response_cache"];
}

/** The key's settings, or those a group with its own setting makes of them (a few property reads, no query). */
function settingsFor(key: RequestRecord["key"], groupCache: CacheLookup["groupCache"]): CacheSettings | undefined {
  if (!groupCache || groupCache.mode === "inherit") return key.cache;
  return resolveCacheSettings(key.cacheMode, key.orgCache, groupCache);
}

/**
 * The response cache's lookup, after admission and before any budget is reserved: a hit is answered here (settled at
 * zero upstream cost, marked in the ledger with the money it saved), a miss or bypass leaves a ticket on the record
 * so the answer is stored once complete (store-answer.ts). Keys without a cache (key.cache unset) cost nothing here.
 */
export async function answerFromCache(deps: GatewayDeps, record: RequestRecord, lookup: CacheLookup): Promise<GatewayResponse | undefined> {
  const settings = settingsFor(record.key, lookup.groupCache);
  if (!settings || !deps.responseCache) return undefined;
  const directive = readCacheDirective(lookup.request);
  const { key } = record;
  const scope = { orgId: key.orgId, keyId: settings.scope === "key" ? key.id : undefined, endpoint: lookup.format.endpoint, target: lookup.target, variant: record.experiment?.variant };
  const hash = computeCacheKey(scope, lookup.chatRequest);
  record.cache = { status: directive.lookup ? "miss" : "bypass", hash, ttlSeconds: settings.ttlSeconds, store: directive.store };
  if (!directive.lookup) return undefined;
  const answer = await deps.responseCache.get(key.orgId, hash);
  if (answer) return replayHit(deps, record, lookup, answer);
  if (!settings.semantic) return undefined;

  // Opt-in semantic cache: the request's text embedded through the gateway, compared with the recent answers whose parameters match exactly.
  const vector = await embedText(deps, key, settings.semantic.model, visibleText(lookup.chatRequest), lookup.request.signal);
  if (!vector) return undefined;
  const semantic = { paramsHash: paramsHash(scope, lookup.chatRequest), vector };
  record.cache.semantic = semantic;
  const similar = mostSimilar(vector, await deps.responseCache.recentVectors(key.orgId, semantic.paramsHash), settings.semantic.threshold);
  const near = similar ? await deps.responseCache.get(key.orgId, similar.hash) : undefined;
  if (!near || !similar) return undefined;
  record.cache.semantic = { ...semantic, similarity: similar.similarity };
  return replayHit(deps, record, lookup, near);
}

/** A stored answer as this request's: settled at zero upstream cost with what the original cost, replayed in its format. */
function replayHit(deps: GatewayDeps, record: RequestRecord, lookup: CacheLookup, answer: CachedAnswer): GatewayResponse {
  const now = Date.now();
  record.cache = { ...record.cache!, status: "hit", store: false, ageSeconds: Math.max(0, Math.floor((now - answer.createdAt) / 1000)), savedPicos: BigInt(answer.costPicos) };
  record.firstTokenAt = now;
  const producedText = answer.choices.map((choice) => choice.text ?? "").join("");
  settleInBackground(record, { status: "success", httpStatus: 200, producedText }, deps);
  const meta = { requestId: record.id, model: record.requestedModel!, created: Math.floor(now / 1000), chatRequest: lookup.chatRequest };
  const headers = responseHeaders(record);
  return record.stream ? replayStream(answer, lookup.format, meta, headers) : replayJson(answer, lookup.format, meta, headers);
}

/** The x-modelgate-cache header (and the age of a hit) for an answer whose request had a cache ticket. */
export function cacheHeaders(ticket: CacheTicket | undefined): Record<string, string> {
  if (!ticket) return {};
  const headers: Record<string, string> = { "x-modelgate-cache": ticket.status };
  if (ticket.ageSeconds !== undefined) headers["x-modelgate-cache-age"] = String(ticket.ageSeconds);
  if (ticket.semantic?.similarity !== undefined) headers["x-modelgate-cache-similarity"] = ticket.semantic.similarity.toFixed(4);
  return headers;
}
