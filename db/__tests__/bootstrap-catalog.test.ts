/**
 * The catalog an environment-created connection starts with, on the real PostgreSQL: a Vertex connection at `global`
 * gets Claude at Anthropic's list price, one at a region gets the 10% regional premium (model-catalog.ts).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { syncEnvConnections } from "@/server/bootstrap";
import { readEnv } from "@/server/env";
import { findCurrentPrice, findModelByName } from "../queries/models";
import { ensureDefaultOrg } from "../queries/organizations";
import { organizations } from "../schema";
import { createTestDatabase } from "./test-database";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const encryptionKey = randomBytes(32);
const serviceAccount = JSON.stringify({ type: "service_account", project_id: "key-project-1", private_key_id: "abc", private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", client_email: "sa@key-project-1.iam.gserviceaccount.com" });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

async function claudePriceAt(location: string | undefined) {
  const db = database.handle.db;
  const orgId = location === undefined ? await ensureDefaultOrg(db) : (await db.insert(organizations).values({ name: `org ${location}`, slug: `org-${location}` }).returning({ id: organizations.id }))[0].id;
  const variables: Record<string, string> = { VERTEX_SERVICE_ACCOUNT_JSON: serviceAccount, ...(location ? { VERTEX_LOCATION: location } : {}) };
  await syncEnvConnections(db, readEnv(variables as unknown as NodeJS.ProcessEnv), orgId, encryptionKey);
  const model = await findModelByName(db, orgId, "claude-sonnet-4-5");
  expect(model?.upstreamModel).toBe("claude-sonnet-4-5@20250929");
  const price = await findCurrentPrice(db, model!.id);
  return { input: price?.inputPerMtok, output: price?.outputPerMtok, cachedInput: price?.cachedInputPerMtok, cacheWrite: price?.cacheWritePerMtok };
}

describe("Vertex catalog prices by endpoint", () => {
  test("the default location (global): Anthropic's list price", async () => {
    expect(await claudePriceAt(undefined)).toEqual({ input: "3.000000", output: "15.000000", cachedInput: "0.300000", cacheWrite: "3.750000" });
  });

  test("a regional location: the 10% regional premium", async () => {
    expect(await claudePriceAt("europe-west1")).toEqual({ input: "3.300000", output: "16.500000", cachedInput: "0.330000", cacheWrite: "4.125000" });
  });
});
