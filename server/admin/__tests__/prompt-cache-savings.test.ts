/**
 * The Overview's and the request detail's prompt-cache figures come from the ledger: each row records its saving at
 * settlement (server/gateway/pricing.ts promptCacheSavingPicos, tested in cache-savings.test.ts), the Overview sums them
 * (from the hourly rollups over hours and days, from the ledger over the last hour).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel, insertPrice } from "@/db/queries/models";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { organizations } from "@/db/schema";
import type { Actor } from "@/server/admin/service-result";
import { findRequestFor, overviewFor } from "@/server/admin/usage";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let actor: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  const [org] = await db.insert(organizations).values({ name: "Cache Co", slug: "cache-co" }).returning();
  actor = { orgId: org.id, id: "system", role: "owner" };
  const connection = await insertConnection(db, { orgId: org.id, kind: "anthropic", name: "anthropic", baseUrl: "https://api.anthropic.com/v1", source: "console" });
  const claude = await insertModel(db, { orgId: org.id, name: "claude", connectionId: connection.id, upstreamModel: "claude-sonnet-4-5" });
  const sonnet = await insertPrice(db, { modelId: claude.id, inputPerMtok: "3.000000", outputPerMtok: "15.000000", cachedInputPerMtok: "0.300000", cacheWritePerMtok: "3.750000", effectiveFrom: new Date(0) });
  const plain = await insertModel(db, { orgId: org.id, name: "plain", connectionId: connection.id, upstreamModel: "plain" });
  const plainPrice = await insertPrice(db, { modelId: plain.id, inputPerMtok: "1.000000", outputPerMtok: "1.000000", cachedInputPerMtok: null, cacheWritePerMtok: null, effectiveFrom: new Date(0) });
  const now = Date.now();
  const row = (id: string, overrides: Partial<UsageRow>): UsageRow => ({
    id, orgId: org.id, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 10,
    startedAt: new Date(now - 60_000), endedAt: new Date(now - 60_000), costUsd: "0", inputTokens: 0, outputTokens: 0, ...overrides,
  });
  await insertUsageRows(db, [
    // First request: 4,000 of 4,100 prompt tokens written to the cache.
    row("req_cache_write", { inputTokens: 4100, cacheWriteTokens: 4000, priceId: sonnet.id, costUsd: "0.015300000000", promptCacheSavedUsd: "-0.003000000000" }),
    // Second: the same 4,000 read back.
    row("req_cache_read", { inputTokens: 4100, cachedInputTokens: 4000, priceId: sonnet.id, costUsd: "0.001500000000", promptCacheSavedUsd: "0.010800000000" }),
    // A provider that bills cached tokens as input saves nothing; a row without cache tokens adds nothing.
    row("req_plain_cached", { inputTokens: 1000, cachedInputTokens: 500, priceId: plainPrice.id, promptCacheSavedUsd: "0.000000000000" }),
    row("req_no_cache", { inputTokens: 800, priceId: sonnet.id }),
  ]);
});
afterAll(async () => database?.drop());

test("request detail: the read saves 4000 × (3.00 − 0.30) / 1e6, the write costs 4000 × 0.75 / 1e6 more", async () => {
  const read = await findRequestFor(database.handle.db, actor, "req_cache_read");
  const write = await findRequestFor(database.handle.db, actor, "req_cache_write");
  expect(read.ok && read.value.promptCache).toEqual({ hitRatio: 4000 / 4100, savedUsd: "0.010800000000" });
  expect(write.ok && write.value.promptCache).toEqual({ hitRatio: 0, savedUsd: "-0.003000000000" });
});

test("overview: hit ratio and money saved over the period, exact", async () => {
  const overview = await overviewFor(database.handle.db, actor, "1h");
  if (!overview.ok) throw new Error("overview failed");
  expect(overview.value.totals).toMatchObject({ inputTokens: 10_000, cachedInputTokens: 4500, cacheWriteTokens: 4000 });
  expect(overview.value.promptCache).toEqual({ hitRatio: 0.45, savedUsd: "0.007800000000" });
  // The 24-hour view reads the rollups (the rows are in the current, partial hour: its ledger edge) and agrees.
  const day = await overviewFor(database.handle.db, actor, "24h");
  expect(day.ok && day.value.promptCache).toEqual({ hitRatio: 0.45, savedUsd: "0.007800000000" });
});
