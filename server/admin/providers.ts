import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findConnection, insertConnection, listConnections, updateConnectionRow } from "@/db/queries/provider-connections";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { encryptSecret } from "@/server/crypto/secret-box";
import { env } from "@/server/env";
import { defaultBaseUrls } from "@/server/providers/probe";
import { providerKinds } from "@/server/providers";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";
import { credentialHint } from "@/server/providers/credential-hint";

const kindSchema = z.enum(providerKinds as [string, ...string[]], { message: `kind must be one of: ${providerKinds.join(", ")}` });

export const createConnectionInputSchema = z.object({
  kind: kindSchema,
  name: z.string().trim().min(1, "name is required").max(100),
  base_url: z.string().trim().url("base_url must be a URL").optional(),
  api_key: z.string().trim().min(1).max(4000).optional(),
  region: z.string().trim().max(64).nullish(),
  enabled: z.boolean().optional(),
});
export type CreateConnectionInput = z.infer<typeof createConnectionInputSchema>;

export const updateConnectionInputSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  base_url: z.string().trim().url("base_url must be a URL").optional(),
  /** Replaces the stored credential; never returned. An empty string clears it (keyless local servers). */
  api_key: z.string().trim().max(4000).optional(),
  region: z.string().trim().max(64).nullish(),
  enabled: z.boolean().optional(),
});
export type UpdateConnectionInput = z.infer<typeof updateConnectionInputSchema>;

export type ConnectionView = Awaited<ReturnType<typeof listConnections>>[number];

function last4(secret: string): string {
  return credentialHint(secret);
}

async function checkBaseUrl(baseUrl: string): Promise<ServiceResult<string>> {
  const check = await checkOutboundUrl(baseUrl, parseAllowList(env().GATEWAY_ALLOW_PRIVATE_HOSTS));
  if (!check.ok) return failure({ code: "invalid", message: `base_url ${check.reason}`, field: "base_url" });
  return ok(baseUrl.replace(/\/+$/, ""));
}

export async function listProviderConnections(db: Database, actor: Actor): Promise<ServiceResult<ConnectionView[]>> {
  if (!can(actor.role, "providers:read")) return failure({ code: "forbidden", message: "Your role cannot view providers." });
  return ok(await listConnections(db, actor.orgId));
}

export async function createProviderConnection(db: Database, actor: Actor, input: CreateConnectionInput): Promise<ServiceResult<ConnectionView>> {
  if (!can(actor.role, "providers:write")) return failure({ code: "forbidden", message: "Your role cannot add providers." });
  const baseUrl = await checkBaseUrl(input.base_url ?? defaultBaseUrls[input.kind as keyof typeof defaultBaseUrls]);
  if (!baseUrl.ok) return baseUrl;
  try {
    const row = await db.transaction(async (tx) => {
      const created = await insertConnection(tx, {
        orgId: actor.orgId,
        kind: input.kind,
        name: input.name,
        baseUrl: baseUrl.value,
        credentialCiphertext: input.api_key ? encryptSecret(input.api_key, getEncryptionKey()) : null,
        credentialLast4: input.api_key ? last4(input.api_key) : null,
        region: input.region ?? null,
        enabled: input.enabled ?? true,
        source: actor.id.startsWith("user:") ? "console" : "api",
      });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "provider.create", targetType: "provider_connection", targetId: created.id, after: created });
      await notifyConfigChanged(tx, "providers");
      return created;
    });
    return ok(row);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A provider named "${input.name}" exists already.`, field: "name" });
    throw error;
  }
}

export async function updateProviderConnection(db: Database, actor: Actor, id: string, input: UpdateConnectionInput): Promise<ServiceResult<ConnectionView>> {
  if (!can(actor.role, "providers:write")) return failure({ code: "forbidden", message: "Your role cannot edit providers." });
  const existing = await findConnection(db, actor.orgId, id);
  if (!existing) return failure({ code: "not_found", message: "No such provider connection." });
  let baseUrl: string | undefined;
  if (input.base_url !== undefined && input.base_url !== existing.baseUrl) {
    const checked = await checkBaseUrl(input.base_url);
    if (!checked.ok) return checked;
    baseUrl = checked.value;
  }
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(baseUrl !== undefined ? { baseUrl, source: existing.source === "env" ? "console" : existing.source } : {}),
    ...(input.region !== undefined ? { region: input.region } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.api_key !== undefined
      ? { credentialCiphertext: input.api_key ? encryptSecret(input.api_key, getEncryptionKey()) : null, credentialLast4: input.api_key ? last4(input.api_key) : null }
      : {}),
  };
  const { credentialCiphertext: _secret, ...before } = existing;
  try {
    const row = await db.transaction(async (tx) => {
      const updated = await updateConnectionRow(tx, actor.orgId, id, patch);
      await writeAudit(tx, {
        orgId: actor.orgId,
        actor: actor.id,
        action: input.api_key !== undefined ? "provider.update_credential" : "provider.update",
        targetType: "provider_connection",
        targetId: id,
        before,
        after: updated,
      });
      await notifyConfigChanged(tx, "providers");
      return updated;
    });
    return ok(row);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A provider named "${input.name}" exists already.`, field: "name" });
    throw error;
  }
}
