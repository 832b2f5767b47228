/**
 * Two-tier deployments for tests: a PostgreSQL database made for the test, console processes and
 * gateway-only replicas, each started as the container image starts it (`node scripts/start.mjs` with
 * MODELGATE_ROLE; the same script `npm start`, `npm run start:console` and `npm run start:gateway` run).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { FakeUpstream } from "../fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import { startRoundRobin, type RoundRobin } from "./round-robin";

const root = path.join(import.meta.dirname, "..", "..");
const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/**
 * Moves every ledger row one month back, with the rollups (README "Rollups": they follow the ledger only through its
 * insert, so rows moved in place must move every rollup table too), making "last month" of the requests just sent.
 */
/**
 * Last month's traffic of two teams for the finance specs: a team with a key each (through the admin API), `calls`
 * chat requests per key through the gateway (a new key reaches the snapshot by notification within a second or two;
 * refusals are not billed), every row written, then moved a month back with the rollups. Returns the team ids.
 */
export async function seedLastMonthTeamTraffic(appUrl: string, adminKey: string, database: TestDatabase, teams: readonly (readonly [string, number])[]): Promise<Record<string, string>> {
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${appUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; key?: string };
  };
  const ids: Record<string, string> = {};
  let total = 0;
  for (const [team, calls] of teams) {
    const created = await admin("/api/admin/teams", { name: team });
    ids[team] = created.id;
    const { key } = await admin("/api/admin/keys", { name: `${team} bot`, team_id: created.id });
    for (let index = 0; index < calls; index++) {
      const send = () =>
        fetch(`${appUrl}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `hello from ${team} ${index}` }] }),
        });
      let response = await send();
      for (let attempt = 0; attempt < 50 && response.status === 401; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await send();
      }
      if (response.status !== 200) throw new Error(`a chat request for ${team} answered ${response.status}`);
      total++;
    }
  }
  const deadline = Date.now() + 10_000;
  while (Number((await database.sql`select count(*)::int as n from usage_ledger`)[0].n) < total) {
    if (Date.now() > deadline) throw new Error(`the ledger did not get ${total} rows`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await moveUsageBackOneMonth(database);
  return ids;
}

export async function moveUsageBackOneMonth(database: TestDatabase): Promise<void> {
  await database.sql.begin(async (sql) => {
    await sql`update usage_ledger set started_at = started_at - interval '1 month', ended_at = ended_at - interval '1 month'`;
    await sql`update usage_rollups_hourly set hour = hour - interval '1 month'`;
    await sql`update usage_rollups_daily set day = day - interval '1 month'`;
    await sql`update usage_rollups_org_hourly set hour = hour - interval '1 month'`;
  });
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `modelgate_${label}_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { onnotice: () => {}, max: 2 });
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 2 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * Ports of the replica specs: E2E_REPLICAS_PORT (default 3281) plus a fixed offset per process, so several
 * checkouts on one machine can run them side by side. scale-out.spec.ts uses offsets 0–3, rate-limits.spec.ts 10–13, telemetry.spec.ts 20–23.
 */
export function replicaPort(offset: number): number {
  return Number(process.env.E2E_REPLICAS_PORT ?? 3281) + offset;
}

export interface ModelgateProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Settings every process of one deployment shares (the same secrets, the same database). */
export function sharedSettings(databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    GATEWAY_ALLOW_PRIVATE_HOSTS: "127.0.0.1",
    USAGE_FLUSH_INTERVAL_MS: "100",
    CONFIG_REFRESH_INTERVAL_MS: "30000",
    LOG_LEVEL: "info",
  };
}

/** Starts `node scripts/start.mjs` (the image's command) in a role; waits for /api/ready. */
export async function startProcess(name: string, role: "all" | "console" | "gateway", port: number, env: Record<string, string>): Promise<ModelgateProcess> {
  const logDir = path.join(root, "e2e", ".tmp");
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, env: { ...process.env, ...env, MODELGATE_ROLE: role, MODELGATE_SKIP_BUILD: "1", PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see e2e/.tmp/${name}.log`);
    try {
      if ((await fetch(`${url}/api/ready`)).ok) return { name, url, child, exited };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not become ready; see e2e/.tmp/${name}.log`);
}

export async function stopProcess(process: ModelgateProcess): Promise<void> {
  if (process.child.exitCode === null) process.child.kill("SIGTERM");
  await Promise.race([process.exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  if (process.child.exitCode === null) process.child.kill("SIGKILL");
}

/** Polls `check` until it returns true; returns the time it took, or throws after `timeoutMs`. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not true within ${timeoutMs} ms`);
}

/** A console, three gateway-only replicas behind a round-robin balancer, the OpenAI fake and a database of their own. */
export interface Cluster {
  database: TestDatabase;
  fake: FakeUpstream;
  console: ModelgateProcess;
  replicas: ModelgateProcess[];
  balancer: RoundRobin;
  /** What every process of the cluster was started with (database, encryption key). */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts a cluster: the console (ports at `portOffset`) bootstraps the database with the fake as OpenAI and the owner
 * `owner@<label>.test`; the replicas (`portOffset` + 1..3) get `gatewaySettings` on top of the shared settings.
 */
export async function startCluster(options: { label: string; adminKey: string; portOffset: number; gatewaySettings?: Record<string, string> }): Promise<Cluster> {
  const database = await createTestDatabase(options.label);
  const fake = await startFakeOpenAI();
  const settings = sharedSettings(database.url);
  const consoleProcess = await startProcess(`${options.label}-console`, "console", replicaPort(options.portOffset), {
    ...settings,
    GATEWAY_ADMIN_KEY: options.adminKey,
    OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ADMIN_EMAIL: `owner@${options.label}.test`,
    ADMIN_PASSWORD: `${options.label}-owner-password`,
  });
  const gatewaySettings = { ...settings, ...options.gatewaySettings };
  const replicas = await Promise.all([1, 2, 3].map((index) => startProcess(`${options.label}-gateway-${index}`, "gateway", replicaPort(options.portOffset + index), gatewaySettings)));
  const balancer = await startRoundRobin(replicas.map((replica) => replica.url));
  return {
    database,
    fake,
    console: consoleProcess,
    replicas,
    balancer,
    settings,
    async stop() {
      await balancer.close();
      await Promise.all([...replicas, consoleProcess].map(stopProcess));
      await fake.close();
      await database.drop();
    },
  };
}
