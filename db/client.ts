import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql as rawSql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Query functions take either the database or an open transaction. */
export type Executor = Database | Transaction;

export type RawClient = { driver: "postgres"; sql: postgres.Sql } | { driver: "pglite"; pglite: PGlite };

export interface DatabaseHandle {
  db: Database;
  raw: RawClient;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… to use a server; otherwise an embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** Pool size for postgres.js. */
  max?: number;
}

/** This process's PostgreSQL application_name: its connections in pg_stat_activity (metrics read the pool's use there). */
export const DATABASE_APPLICATION_NAME = `modelgate-${process.pid}-${randomBytes(3).toString("hex")}`;

/** Opens a database. Most code should use getDatabase(), which keeps one handle per process. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const { default: postgresClient } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const sql = postgresClient(options.databaseUrl, { onnotice: () => {}, max: options.max ?? 10, prepare: true, connection: { application_name: DATABASE_APPLICATION_NAME } });
    const db = drizzle(sql, { schema }) as unknown as Database;
    return { db, raw: { driver: "postgres", sql }, close: () => sql.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir ?? "./.data";
  let location = dataDir;
  if (!dataDir.startsWith("memory://")) {
    location = path.resolve(dataDir, "pgdata");
    mkdirSync(location, { recursive: true });
  }
  const pglite = await PGlite.create(location);
  const db = drizzle(pglite, { schema }) as unknown as Database;
  return { db, raw: { driver: "pglite", pglite }, close: () => pglite.close() };
}

const globalKey = Symbol.for("modelgate.database");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<DatabaseHandle> };

/**
 * One handle per process, kept on globalThis so the custom server's bundle and Next's bundle
 * (and dev reloads) share it: PGlite must never be opened twice on one folder.
 */
export function getDatabase(options?: OpenOptions): Promise<DatabaseHandle> {
  const store = globalThis as GlobalWithDb;
  if (!store[globalKey]) {
    const resolved = options ?? { databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || "./.data" };
    store[globalKey] = openDatabase(resolved).catch((error) => {
      delete store[globalKey];
      throw error;
    });
  }
  return store[globalKey];
}

export async function getDb(): Promise<Database> {
  return (await getDatabase()).db;
}

/** Raw SQL rows, the same shape on both drivers. */
export async function executeRows<T extends Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export const CONFIG_CHANNEL = "modelgate_config";

/** Tells every replica (and this process) that configuration changed. Runs inside the caller's transaction, so it fires on commit. */
export async function notifyConfigChanged(db: Executor, what: string): Promise<void> {
  await db.execute(rawSql`select pg_notify(${CONFIG_CHANNEL}, ${what})`);
}

/** Subscribes to configuration changes; returns an unsubscribe function. */
export async function listenConfigChanges(raw: RawClient, onChange: (what: string) => void): Promise<() => Promise<void>> {
  if (raw.driver === "postgres") {
    // onlisten fires on every (re)connect: reload then, since notifications sent while disconnected are lost.
    const subscription = await raw.sql.listen(CONFIG_CHANNEL, (payload) => onChange(payload), () => onChange("reconnected"));
    return () => subscription.unlisten();
  }
  const unsubscribe = await raw.pglite.listen(CONFIG_CHANNEL, (payload) => onChange(payload));
  return () => unsubscribe();
}
