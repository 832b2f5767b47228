/**
 * npm run bench — one run, side by side, the same mock upstream (the strict OpenAI fake) and 1 KB chat request:
 *   direct to the fake · a bare node:http + undici passthrough (the floor) · a gateway-only replica
 *   (dist/gateway.mjs) · the combined `npm start` process (dist/server.mjs, gateway + console) · the gateway-only
 *   replica again with one budget, one rate limit and ten policy rules on (issue 9's governance scenario) · the
 *   gateway-only replica serving a model group of three deployments with lowest-latency health scoring (issue 10's
 *   routing step).
 * Both gateway processes run on one PostgreSQL database made for the run (the ledger is written there).
 * Each proxy runs alone on core 1 (taskset), the load generator and the fake on core 0, one after another.
 * Prints the table and issue 8's targets; figures are a comparison on this machine, not a ceiling.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { measure, type Row } from "./measure";
import { formatGovernanceTargets, formatRoutingTargets, formatTable, formatTargets } from "./report";
import { prepareBuilds, startLoadAndFake, startTarget, stopProcess, type Target } from "./targets";

const ADMIN_KEY = "bench-admin-key-0123456789abcdef";
const FAKE_KEY = "sk-fake-openai-0123456789";
const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `modelgate_bench_${process.pid}`;
  const admin = postgres(serverUrl, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => void (await admin.unsafe(`drop database if exists ${name} with (force)`), await admin.end()) };
}

/**
 * One org budget (monthly, far above what the run spends), one rate limit on every key (far above the run's rate, so
 * the limiter counts but never refuses) and ten policy rules that do not fire on the bench prompt.
 */
async function addGovernance(url: string): Promise<void> {
  const sql = postgres(url, { onnotice: () => {}, max: 1 });
  try {
    const [org] = await sql<{ id: string }[]>`select id from organizations limit 1`;
    await sql`insert into budgets (org_id, scope, period, limit_usd) values (${org.id}, 'org', 'monthly', 1000000)`;
    await sql`insert into rate_limits (org_id, scope, rpm, tpm) values (${org.id}, 'key', 100000000, 2000000000)`;
    const rules: [string, Record<string, unknown>][] = [
      ["block", { detectors: ["payment_card"] }],
      ["block", { detectors: ["us_ssn", "iban"] }],
      ["redact", { detectors: ["email", "phone"] }],
      ["block", { keywords: ["project falcon", "internal only", "do not share"] }],
      ["log", { patterns: [{ name: "ticket", regex: "TCK-[0-9]{4,6}" }, { name: "aws", regex: "AKIA[0-9A-Z]{16}" }] }],
      ["block", { roles: ["viewer"] }],
      ["log", { providers: ["anthropic"] }],
      ["block", { keywords: ["secret plan"] }],
      ["log", { key_metadata: { env: "staging" } }],
      ["block", { keywords: ["confidential"] }],
    ];
    for (const [position, [action, conditions]] of rules.entries()) {
      await sql`insert into policy_rules (org_id, position, name, action, conditions) values (${org.id}, ${position + 1}, ${`bench rule ${position + 1}`}, ${action}, ${sql.json(conditions as never)})`;
    }
  } finally {
    await sql.end();
  }
}

async function main() {
  prepareBuilds();
  const { fake, fakeUrl } = await startLoadAndFake();
  const database = await createDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-bench-"));
  const shared = { NODE_ENV: "production", DATABASE_URL: database.url, GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString("base64"), DATA_DIR: dataDir, LOG_LEVEL: "warn", UPSTREAM_MAX_RETRIES: "0" };
  const running: Target[] = [];
  try {
    const rows: Row[] = [];
    const direct = await measure({ name: "direct", url: fakeUrl, apiKey: FAKE_KEY, readyMs: NaN });

    const bare = await startTarget("bare proxy", 3391, process.execPath, ["dist/bare-proxy.mjs", "3391", fakeUrl], {});
    running.push(bare);
    rows.push(await measure({ name: bare.name, url: bare.url, apiKey: FAKE_KEY, pid: bare.child.pid, readyMs: bare.readyMs }));
    await stopProcess(bare.child);

    // The combined process migrates and bootstraps the database (org, the fake as OpenAI, its models) and issues the key.
    const combined = await startTarget("combined (npm start)", 3392, process.execPath, ["dist/server.mjs"], { ...shared, GATEWAY_ADMIN_KEY: ADMIN_KEY, OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: `${fakeUrl}/v1`, ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "bench-password-123" });
    running.push(combined);
    const created = await fetch(`${combined.url}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
    const { key } = (await created.json()) as { key: string };
    // Issue 10's routing scenario: a group of three deployments (all on the fake), ordered by health score (latency EWMA).
    const group = await fetch(`${combined.url}/api/admin/groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench-group", strategy: "lowest_latency", deployments: ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano"].map((model) => ({ id: model, model })) }),
    });
    if (group.status !== 201) throw new Error(`creating the bench group: ${group.status} ${await group.text()}`);
    const combinedRow = await measure({ name: combined.name, url: combined.url, apiKey: key, pid: combined.child.pid, readyMs: combined.readyMs });
    await stopProcess(combined.child);

    // Ready time on the already-migrated database: the best of three starts (the first also warms the page cache).
    let gateway: Target | undefined;
    let bestReady = Infinity;
    for (let start = 0; start < 3; start++) {
      if (gateway) await stopProcess(gateway.child);
      gateway = await startTarget("gateway-only", 3393, process.execPath, ["dist/gateway.mjs"], shared);
      running.push(gateway);
      bestReady = Math.min(bestReady, gateway.readyMs);
    }
    rows.push(await measure({ name: gateway!.name, url: gateway!.url, apiKey: key, pid: gateway!.child.pid, readyMs: bestReady }));
    await stopProcess(gateway!.child);

    const routed = await startTarget("gateway-only, group of 3", 3395, process.execPath, ["dist/gateway.mjs"], shared);
    running.push(routed);
    const routedRow = await measure({ name: routed.name, url: routed.url, apiKey: key, pid: routed.child.pid, readyMs: routed.readyMs, model: "bench-group" });
    await stopProcess(routed.child);

    // Issue 9's scenario: the same replica with one budget, one rate limit and ten policy rules on (none refuses).
    await addGovernance(database.url);
    const governed = await startTarget("gateway-only + governance", 3394, process.execPath, ["dist/gateway.mjs"], shared);
    running.push(governed);
    const governedRow = await measure({ name: governed.name, url: governed.url, apiKey: key, pid: governed.child.pid, readyMs: governed.readyMs });
    await stopProcess(governed.child);
    rows.push(combinedRow, governedRow, routedRow);

    console.log(`modelgate benchmark — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}, ${process.env.BENCH_SECONDS ?? 5} s per step\n`);
    console.log(formatTable(direct, rows));
    console.log("");
    console.log(formatTargets(direct, rows[0], rows[1]));
    console.log("");
    console.log(formatGovernanceTargets(direct, rows[1], governedRow));
    console.log("");
    console.log(formatRoutingTargets(rows[1], routedRow));
  } finally {
    await Promise.all(running.map((target) => stopProcess(target.child)));
    await stopProcess(fake);
    await database.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  // Exit even if a child process still holds this process's pipes open.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
