import { readFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelByName, insertModel, insertPrice } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { countUsers, findUserByEmail, insertUserWithRole } from "@/db/queries/users";
import { writeSetting } from "@/db/queries/settings";
import { providerConnections } from "@/db/schema";
import { modelCatalog } from "./catalog/model-catalog";
import { encryptSecret, decryptSecret } from "./crypto/secret-box";
import { hashPassword } from "./crypto/password";
import { issueToken } from "./crypto/tokens";
import type { Env } from "./env";
import type { ProviderId } from "./gateway/types";
import { logger } from "./logger";
import { withApiVersion } from "./providers/azure";
import { credentialHint } from "./providers/credential-hint";
import { parseVertexBaseUrl, parseVertexCredential, vertexBaseUrl } from "./providers/vertex";

/**
 * The default Vertex connection's credential and base URL: the key JSON from VERTEX_SERVICE_ACCOUNT_JSON, else from the
 * file GOOGLE_APPLICATION_CREDENTIALS names (only a service_account key; other credential types are skipped with a
 * warning), the project from VERTEX_PROJECT or the key's project_id. Undefined (no connection) when either is missing.
 */
export function readVertexEnvCredential(settings: Env): { apiKey: string; baseUrl: string } | undefined {
  let text = settings.VERTEX_SERVICE_ACCOUNT_JSON;
  if (!text && settings.GOOGLE_APPLICATION_CREDENTIALS) {
    try {
      text = readFileSync(settings.GOOGLE_APPLICATION_CREDENTIALS, "utf8");
    } catch {
      logger.warn("GOOGLE_APPLICATION_CREDENTIALS names a file that cannot be read; no Vertex connection was created");
      return undefined;
    }
  }
  if (!text) return undefined;
  const credential = parseVertexCredential(text);
  if (credential.kind !== "service_account") {
    logger.warn("the Vertex credential from the environment is not a service account key; no Vertex connection was created", { reason: credential.kind === "invalid" ? credential.reason : credential.kind });
    return undefined;
  }
  const project = settings.VERTEX_PROJECT ?? credential.account.projectId;
  if (!project) {
    logger.warn("set VERTEX_PROJECT: the service account key has no project_id; no Vertex connection was created");
    return undefined;
  }
  return { apiKey: JSON.stringify(JSON.parse(text)), baseUrl: vertexBaseUrl(project, settings.VERTEX_LOCATION) };
}

interface EnvProvider {
  kind: ProviderId;
  name: string;
  apiKey: string | undefined;
  baseUrl: string;
}

function envProviders(settings: Env): EnvProvider[] {
  const vertex = readVertexEnvCredential(settings);
  return [
    { kind: "openai", name: "openai", apiKey: settings.OPENAI_API_KEY, baseUrl: settings.OPENAI_BASE_URL },
    { kind: "anthropic", name: "anthropic", apiKey: settings.ANTHROPIC_API_KEY, baseUrl: settings.ANTHROPIC_BASE_URL },
    { kind: "gemini", name: "gemini", apiKey: settings.GEMINI_API_KEY, baseUrl: settings.GEMINI_BASE_URL },
    { kind: "deepseek", name: "deepseek", apiKey: settings.DEEPSEEK_API_KEY, baseUrl: settings.DEEPSEEK_BASE_URL },
    { kind: "mistral", name: "mistral", apiKey: settings.MISTRAL_API_KEY, baseUrl: settings.MISTRAL_BASE_URL },
    { kind: "qwen", name: "qwen", apiKey: settings.QWEN_API_KEY, baseUrl: settings.QWEN_BASE_URL },
    { kind: "groq", name: "groq", apiKey: settings.GROQ_API_KEY, baseUrl: settings.GROQ_BASE_URL },
    { kind: "together", name: "together", apiKey: settings.TOGETHER_API_KEY, baseUrl: settings.TOGETHER_BASE_URL },
    { kind: "fireworks", name: "fireworks", apiKey: settings.FIREWORKS_API_KEY, baseUrl: settings.FIREWORKS_BASE_URL },
    { kind: "xai", name: "xai", apiKey: settings.XAI_API_KEY, baseUrl: settings.XAI_BASE_URL },
    { kind: "openrouter", name: "openrouter", apiKey: settings.OPENROUTER_API_KEY, baseUrl: settings.OPENROUTER_BASE_URL },
    // The api-version travels in the base URL's query (see server/providers/azure/endpoint.ts).
    { kind: "azure", name: "azure", apiKey: settings.AZURE_OPENAI_API_KEY, baseUrl: withApiVersion(settings.AZURE_OPENAI_ENDPOINT ?? "", settings.AZURE_OPENAI_API_VERSION) },
    // One credential string, ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN] (see server/providers/bedrock/credentials.ts).
    { kind: "bedrock", name: "bedrock", apiKey: settings.AWS_BEDROCK_ACCESS_KEY_ID && settings.AWS_BEDROCK_SECRET_ACCESS_KEY ? [settings.AWS_BEDROCK_ACCESS_KEY_ID, settings.AWS_BEDROCK_SECRET_ACCESS_KEY, settings.AWS_BEDROCK_SESSION_TOKEN].filter(Boolean).join(":") : undefined, baseUrl: `https://bedrock-runtime.${settings.AWS_BEDROCK_REGION}.amazonaws.com` },
    // The service account key JSON (VERTEX_SERVICE_ACCOUNT_JSON, or the file GOOGLE_APPLICATION_CREDENTIALS names).
    { kind: "vertex", name: "vertex", apiKey: vertex?.apiKey, baseUrl: vertex?.baseUrl ?? "" },
  ];
}

/**
 * Connections from the providers' *_API_KEY / *_BASE_URL variables (see envProviders). Created once (with the built-in
 * catalog); on later starts an env connection follows the environment's key and base URL.
 * A connection an admin has since edited in the console is left alone.
 */
export async function syncEnvConnections(db: Database, settings: Env, orgId: string, encryptionKey: Buffer): Promise<void> {
  for (const provider of envProviders(settings)) {
    if (!provider.apiKey) continue;
    const baseUrl = provider.baseUrl.replace(/\/+$/, "");
    await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(providerConnections).where(and(eq(providerConnections.orgId, orgId), eq(providerConnections.name, provider.name)));
      if (existing) {
        if (existing.source !== "env") return;
        const currentKey = readStoredKey(existing.credentialCiphertext, encryptionKey);
        if (currentKey === provider.apiKey && existing.baseUrl === baseUrl) return;
        await tx
          .update(providerConnections)
          .set({ baseUrl, credentialCiphertext: encryptSecret(provider.apiKey!, encryptionKey), credentialLast4: credentialHint(provider.apiKey!), updatedAt: new Date() })
          .where(eq(providerConnections.id, existing.id));
        await writeAudit(tx, { orgId, actor: "system", action: "provider.sync_env", targetType: "provider_connection", targetId: existing.id, before: { baseUrl: existing.baseUrl }, after: { baseUrl } });
        await notifyConfigChanged(tx, "providers");
        return;
      }
      const [created] = await tx
        .insert(providerConnections)
        .values({ orgId, kind: provider.kind, name: provider.name, baseUrl, credentialCiphertext: encryptSecret(provider.apiKey!, encryptionKey), credentialLast4: credentialHint(provider.apiKey!), source: "env" })
        .returning({ id: providerConnections.id });
      await writeAudit(tx, { orgId, actor: "system", action: "provider.create", targetType: "provider_connection", targetId: created.id, after: { kind: provider.kind, name: provider.name, baseUrl, source: "env" } });
      for (const entry of modelCatalog.filter((item) => item.provider === provider.kind)) {
        // A name another provider already serves (gpt-4o-mini on OpenAI and on Azure) is
        // created as <kind>/<name>, which is also how callers address it explicitly.
        const name = (await findModelByName(tx, orgId, entry.name)) ? `${provider.kind}/${entry.name}` : entry.name;
        if (await findModelByName(tx, orgId, name)) continue;
        const model = await insertModel(tx, { orgId, name, connectionId: created.id, upstreamModel: entry.upstreamModel, contextWindow: entry.contextWindow, maxOutputTokens: entry.maxOutputTokens });
        const prices = entry.regional && isRegionalEndpoint(provider.kind, baseUrl) ? entry.regional : entry;
        await insertPrice(tx, { modelId: model.id, inputPerMtok: prices.input, outputPerMtok: prices.output, cachedInputPerMtok: prices.cachedInput, cacheWritePerMtok: prices.cacheWrite, cacheWrite1hPerMtok: prices.cacheWrite1h ?? null, effectiveFrom: new Date(0) });
      }
      await notifyConfigChanged(tx, "providers");
      logger.info("created provider connection from environment", { provider: provider.kind });
    });
  }
}

/** A Vertex connection at a region rather than `global` (where some catalog models cost more). */
function isRegionalEndpoint(kind: string, baseUrl: string): boolean {
  return kind === "vertex" && parseVertexBaseUrl(baseUrl)?.location !== "global";
}

/** The stored credential, or null when it cannot be decrypted (GATEWAY_ENCRYPTION_KEY changed): the env value then replaces it. */
function readStoredKey(ciphertext: string | null, encryptionKey: Buffer): string | null {
  if (!ciphertext) return "";
  try {
    return decryptSecret(ciphertext, encryptionKey);
  } catch {
    logger.warn("a stored provider credential cannot be decrypted with the current encryption key; replacing it from the environment");
    return null;
  }
}

export const SETUP_TOKEN_SETTING = "setup_token";
const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The first owner: from ADMIN_EMAIL/ADMIN_PASSWORD, or else a one-time setup link printed to
 * the log while no user exists. Returns the link to print, if any.
 */
export async function ensureOwner(db: Database, settings: Env, orgId: string, publicUrl: string): Promise<string | null> {
  if (settings.ADMIN_EMAIL && settings.ADMIN_PASSWORD) {
    if (!(await findUserByEmail(db, settings.ADMIN_EMAIL))) {
      const passwordHash = await hashPassword(settings.ADMIN_PASSWORD);
      await db.transaction(async (tx) => {
        const user = await insertUserWithRole(tx, { email: settings.ADMIN_EMAIL!, passwordHash, orgId, role: "owner" });
        await writeAudit(tx, { orgId, actor: "system", action: "user.create_owner", targetType: "user", targetId: user.id, after: { email: user.email, role: "owner", source: "ADMIN_EMAIL" } });
      });
      logger.info("created owner from ADMIN_EMAIL", { email: settings.ADMIN_EMAIL });
    }
    return null;
  }
  if ((await countUsers(db)) > 0) return null;
  const issued = issueToken("mga");
  await writeSetting(db, SETUP_TOKEN_SETTING, { hash: issued.hash, expiresAt: Date.now() + SETUP_TOKEN_TTL_MS });
  return `${publicUrl.replace(/\/+$/, "")}/setup?token=${encodeURIComponent(issued.token)}`;
}

export async function bootstrap(db: Database, settings: Env, encryptionKey: Buffer, publicUrl: string): Promise<{ orgId: string; setupLink: string | null }> {
  const orgId = await ensureDefaultOrg(db);
  await syncEnvConnections(db, settings, orgId, encryptionKey);
  const setupLink = await ensureOwner(db, settings, orgId, publicUrl);
  return { orgId, setupLink };
}
