import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "../client";
import { migrateDatabase } from "../migrate";

/** Where data tests run: a local PostgreSQL only (never a remote one). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) throw new Error(`Refusing to run data tests against non-local database host ${host}`);
}

/** A fresh, migrated database per test file; dropped by the returned cleanup. */
export async function createTestDatabase(): Promise<{ url: string; handle: DatabaseHandle; drop(): Promise<void> }> {
  assertLocal(TEST_SERVER_URL);
  const name = `modelgate_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(TEST_SERVER_URL, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), max: 5 });
  await migrateDatabase(handle);
  return {
    url: url.toString(),
    handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
