/**
 * npm run bench:data — the console's heaviest queries on a 1,000,000-row ledger (issue 11's 200 ms target).
 * Makes a scratch database on the local PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * migrates it, loads BENCH_ROWS (1,000,000) synthetic ledger rows spread over the last 60 days (20 teams, 200 keys,
 * 8 models, 6 providers, ~4 % errors), ANALYZEs, then times each query BENCH_REPEATS (5) times through the same query
 * functions the console calls, printing the median and the slowest run: the ledger scans and the rollup-backed queries
 * (db/queries/usage-rollups.ts) side by side. Drops the database at the end, unless BENCH_KEEP=1 (it prints the
 * name); BENCH_DATABASE=<that name> times the queries again on it without loading.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { executeRows, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { listRequests, overviewSeries, overviewTotals } from "@/db/queries/usage-ledger";
import { overviewFromRollups } from "@/db/queries/usage-rollups";
import { usageReport } from "@/db/queries/usage-reports";
import { ensureDefaultOrg } from "@/db/queries/organizations";

const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const rowCount = Number(process.env.BENCH_ROWS ?? 1_000_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const TARGET_MS = 200;

async function timed(run: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  await run(); // warm: plan cache, shared buffers
  const times: number[] = [];
  for (let index = 0; index < repeats; index++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times.at(-1)! };
}

async function main() {
  const reuse = process.env.BENCH_DATABASE;
  const name = reuse ?? `modelgate_bench_data_${process.pid}`;
  const admin = postgres(serverUrl, { onnotice: () => {}, max: 1 });
  if (!reuse) await admin.unsafe(`create database ${name}`);
  const handle = await openDatabase({ databaseUrl: Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString(), max: 4 });
  try {
    await migrateDatabase(handle);
    const db = handle.db;
    const orgId = await ensureDefaultOrg(db);
    let loadMs = 0;
    let rollupMs = 0;
    if (!reuse) {
    const loadStarted = performance.now();
    // Teams and keys as uuids derived from their number, so rows can point at them without joins.
    await db.execute(sql`
      insert into usage_ledger (id, org_id, team_id, key_id, key_prefix, requested_model, served_model, provider, endpoint, stream, status, http_status,
        error_kind, input_tokens, output_tokens, cost_usd, list_cost_usd, latency_ms, ttft_ms, started_at, ended_at, upstream_attempts)
      select 'req_' || lpad(to_hex(g), 24, '0'),
        ${orgId}::uuid,
        ('00000000-0000-4000-8000-' || lpad(to_hex(k % 20), 12, '0'))::uuid,
        ('00000000-0000-4000-9000-' || lpad(to_hex(k), 12, '0'))::uuid,
        'vk_' || lpad(to_hex(k), 6, '0'),
        (array['gpt-4o-mini','gpt-4o','claude-haiku-4-5','claude-sonnet-4-5','gemini-2.5-flash','gemini-2.5-pro','deepseek-chat','mistral-small'])[1 + m],
        (array['gpt-4o-mini','gpt-4o','claude-haiku-4-5-20251001','claude-sonnet-4-5-20250929','gemini-2.5-flash','gemini-2.5-pro','deepseek-chat','mistral-small-latest'])[1 + m],
        (array['openai','openai','anthropic','anthropic','gemini','gemini','deepseek','mistral'])[1 + m],
        '/v1/chat/completions', g % 3 = 0,
        case when e < 40 then 'error' when e < 50 then 'aborted' else 'success' end,
        case when e < 40 then 502 when e < 50 then 499 else 200 end,
        case when e < 40 then 'upstream' end,
        100 + g % 900, 20 + g % 300,
        ((100 + g % 900) * 0.15 + (20 + g % 300) * 0.6) / 1000000,
        ((100 + g % 900) * 0.15 + (20 + g % 300) * 0.6) / 1000000,
        50 + (g::bigint * 7919) % 3000, 20 + (g::bigint * 104729) % 800,
        now() - (g::double precision / ${rowCount} * interval '60 days'),
        now() - (g::double precision / ${rowCount} * interval '60 days') + interval '1 second',
        1
      from generate_series(1, ${rowCount}) as g,
        -- Key, model and outcome from independent hashes of g, so no filter combination is empty or all-matching.
        lateral (select ((g::bigint * 2654435761) % 4294967296 % 200)::int as k, ((g::bigint * 40503) % 65536 % 8)::int as m, ((g::bigint * 97) % 1000)::int as e) as pick`);
    loadMs = performance.now() - loadStarted;
    // The rows went straight into the ledger, so build the rollups with the migration's own backfill statements
    // (*_org_prices_rollups.sql, *_daily_rollups.sql), as an upgrade of a full ledger would.
    const rollupStarted = performance.now();
    const migrations = new URL("../db/migrations/", import.meta.url);
    for (const suffix of ["_org_prices_rollups.sql", "_daily_rollups.sql"]) {
      const backfill = readdirSync(migrations).find((file) => file.endsWith(suffix));
      if (!backfill) throw new Error(`the rollups migration (*${suffix}) is missing`);
      const migration = readFileSync(new URL(backfill, migrations), "utf8");
      for (const statement of migration.split("--> statement-breakpoint").map((part) => part.replace(/^--.*$/gm, "").trim())) {
        if (/^(INSERT INTO "usage_rollups|WITH "buckets")/.test(statement)) await handle.db.execute(sql.raw(statement));
      }
    }
    rollupMs = performance.now() - rollupStarted;
    await db.execute(sql`analyze usage_ledger`);
    await db.execute(sql`analyze usage_rollups_hourly`);
    await db.execute(sql`analyze usage_rollups_org_hourly`);
    await db.execute(sql`analyze usage_rollups_daily`);
    }

    const key = "00000000-0000-4000-9000-000000000007";
    // The cursor of the 500,000th newest row: a deep page, reached by keyset (no OFFSET).
    const [deep] = await executeRows<{ started_at: string; id: string }>(db, sql`select started_at::text, id from usage_ledger order by started_at desc, id desc offset ${Math.floor(rowCount / 2)} limit 1`);
    const deepCursor = { startedAt: new Date(deep.started_at), id: deep.id };
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const thirtyDaysAgo = new Date(now.getTime() - 30 * 86_400_000);
    const sevenDaysAgo = new Date(now.getTime() - 7 * 86_400_000);
    const cases: [string, () => Promise<unknown>][] = [
      ["Requests: first page (50)", () => listRequests(db, { orgId }, { limit: 50 })],
      ["Requests: first page, key + status=error", () => listRequests(db, { orgId, keyId: key, status: "error" }, { limit: 50 })],
      ["Requests: first page, model + status=error", () => listRequests(db, { orgId, model: "claude-haiku-4-5", status: "error" }, { limit: 50 })],
      ["Requests: deep page (row 500,000)", () => listRequests(db, { orgId }, { limit: 50, cursor: deepCursor })],
      ["Requests: deep page, key filter", () => listRequests(db, { orgId, keyId: key }, { limit: 50, cursor: deepCursor })],
      ["Requests: deep page, model + status=error", () => listRequests(db, { orgId, model: "claude-haiku-4-5", status: "error" }, { limit: 50, cursor: deepCursor })],
      ["Overview: 30 days (totals + daily series)", () => Promise.all([overviewTotals(db, orgId, { from: thirtyDaysAgo, to: now }), overviewSeries(db, orgId, { from: thirtyDaysAgo, to: now, bucket: "day" })])],
      ["Overview: 30 days, from the rollups", () => overviewFromRollups(db, orgId, { from: thirtyDaysAgo, to: now, bucket: "day" })],
      ["Overview: 7 days by hour, ledger", () => Promise.all([overviewTotals(db, orgId, { from: sevenDaysAgo, to: now }), overviewSeries(db, orgId, { from: sevenDaysAgo, to: now, bucket: "hour" })])],
      ["Overview: 7 days by hour, from the rollups", () => overviewFromRollups(db, orgId, { from: sevenDaysAgo, to: now, bucket: "hour" })],
      ["Report: last month by team, ledger (usageReport)", () => usageReport(db, { orgId, from: monthStart, to: monthEnd }, "team", { source: "ledger" })],
      ["Report: last month by team, from the rollups", () => usageReport(db, { orgId, from: monthStart, to: monthEnd }, "team")],
      ["Report: last month by model, from the rollups", () => usageReport(db, { orgId, from: monthStart, to: monthEnd }, "model")],
      ["Report: a +05:30 month by tag, from the rollups", () => usageReport(db, { orgId, from: new Date(monthStart.getTime() - 19_800_000), to: new Date(monthEnd.getTime() - 19_800_000) }, "tag")],
      [
        "Report: last month by team",
        () =>
          executeRows(
            db,
            sql`select team_id, count(*)::int as requests, sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens, sum(cost_usd)::text as cost_usd
                from usage_ledger where org_id = ${orgId} and started_at >= ${monthStart.toISOString()} and started_at < ${monthEnd.toISOString()} group by team_id order by 5 desc`,
          ),
      ],
    ];
    const [{ count, rollups, hours, days }] = await executeRows<{ count: number; rollups: number; hours: number; days: number }>(
      db,
      sql`select (select count(*)::int from usage_ledger) as count, (select count(*)::int from usage_rollups_hourly) as rollups, (select count(*)::int from usage_rollups_org_hourly) as hours, (select count(*)::int from usage_rollups_daily) as days`,
    );
    console.log(`modelgate data benchmark — ${new Date().toISOString()} — ${count.toLocaleString("en")} ledger rows (loaded in ${(loadMs / 1000).toFixed(1)} s), ${repeats} runs each after a warm-up`);
    console.log(`rollups built from the ledger in ${(rollupMs / 1000).toFixed(1)} s: ${rollups.toLocaleString("en")} hourly rows (org, hour, team, key, model, provider), ${hours.toLocaleString("en")} org-hour rows, ${days.toLocaleString("en")} daily rows\n`);
    console.log(`| query | median | slowest | under ${TARGET_MS} ms |`);
    console.log("|---|---|---|---|");
    for (const [label, run] of cases) {
      const { median, max } = await timed(run);
      console.log(`| ${label} | ${median.toFixed(1)} ms | ${max.toFixed(1)} ms | ${median < TARGET_MS ? "yes" : "**no**"} |`);
    }
  } finally {
    await handle.close();
    if (process.env.BENCH_KEEP === "1" || reuse) console.log(`\nkept the database ${name} (BENCH_DATABASE=${name} to time again; drop it when done)`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
