import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import {
  deleteMcpServerRow,
  findMcpServer,
  insertMcpServer,
  listMcpServerRows,
  toMcpServerView,
  updateMcpServerRow,
  type McpServerRow,
  type McpServerView,
} from "@/db/queries/mcp-servers";
import { mcpAuthModes, mcpTransports } from "@/db/schema/mcp-servers";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { encryptSecret } from "@/server/crypto/secret-box";
import { env } from "@/server/env";
import { slugPattern } from "@/server/mcp/tool-names";
import { isForwardableHeader } from "@/server/mcp/upstream/outbound-headers";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

const headerName = z.string().trim().toLowerCase().regex(/^[a-z0-9-]{1,64}$/, "a header name has letters, digits and dashes");
const serverFields = {
  name: z.string().trim().min(1, "name is required").max(100),
  url: z.string().trim().url("url must be a URL").max(2000),
  transport: z.enum(mcpTransports).optional(),
  auth_mode: z.enum(mcpAuthModes).optional(),
  auth_header_name: headerName.nullish(),
  /** The static header's value, or the OAuth client secret; write-only. */
  credential: z.string().min(1).max(8000).optional(),
  oauth_token_url: z.string().trim().url("oauth_token_url must be a URL").max(2000).nullish(),
  oauth_client_id: z.string().trim().min(1).max(500).nullish(),
  oauth_scope: z.string().trim().max(1000).nullish(),
  timeout_ms: z.number().int().min(100).max(600_000).optional(),
  forward_headers: z.array(headerName).max(20).optional(),
  log_arguments: z.boolean().optional(),
  enabled: z.boolean().optional(),
};

/** POST /api/admin/mcp-servers and the console form. */
export const createMcpServerInputSchema = z.object({
  slug: z.string().trim().regex(slugPattern, "slug is 1-32 lower-case letters, digits and dashes (no leading or trailing dash)"),
  ...serverFields,
});
export type CreateMcpServerInput = z.infer<typeof createMcpServerInputSchema>;
export const updateMcpServerInputSchema = z.object(serverFields).partial();
export type UpdateMcpServerInput = z.infer<typeof updateMcpServerInputSchema>;

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view MCP servers." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage MCP servers." });
export const noMcpServer = failure({ code: "not_found", message: "No such MCP server." });

/** Both URLs pass the SSRF rules (again at connect time: the gateway's fetch refuses private addresses and redirects). */
async function checkUrls(values: { url: string; oauthTokenUrl: string | null }): Promise<ServiceResult<void>> {
  const allow = parseAllowList(env().GATEWAY_ALLOW_PRIVATE_HOSTS);
  for (const [field, url] of [["url", values.url], ["oauth_token_url", values.oauthTokenUrl]] as const) {
    if (url === null) continue;
    const check = await checkOutboundUrl(url, allow);
    if (!check.ok) return failure({ code: "invalid", message: `${field} ${check.reason}`, field });
  }
  return ok(undefined);
}

type Values = Pick<McpServerRow, "url" | "authMode" | "authHeaderName" | "oauthTokenUrl" | "oauthClientId" | "forwardHeaders"> & { hasCredential: boolean };

function checkAuth(values: Values): ServiceResult<void> {
  const forbidden = values.forwardHeaders.find((name) => !isForwardableHeader(name));
  if (forbidden) return failure({ code: "invalid", message: `forward_headers may not name ${forbidden}: the caller's credentials and protocol headers are never forwarded.`, field: "forward_headers" });
  if (values.authMode === "header" && (!values.authHeaderName || !values.hasCredential)) return failure({ code: "invalid", message: "auth_mode header needs auth_header_name and credential.", field: "auth_header_name" });
  if (values.authMode === "oauth_client_credentials" && (!values.oauthTokenUrl || !values.oauthClientId || !values.hasCredential)) {
    return failure({ code: "invalid", message: "auth_mode oauth_client_credentials needs oauth_token_url, oauth_client_id and credential (the client secret).", field: "oauth_token_url" });
  }
  return ok(undefined);
}

export async function listMcpServers(db: Database, actor: Actor): Promise<ServiceResult<McpServerView[]>> {
  if (!can(actor.role, "mcp:read")) return cannotRead;
  return ok((await listMcpServerRows(db, actor.orgId)).map(toMcpServerView));
}

export async function getMcpServer(db: Database, actor: Actor, id: string): Promise<ServiceResult<McpServerView>> {
  if (!can(actor.role, "mcp:read")) return cannotRead;
  const row = await findMcpServer(db, actor.orgId, id);
  return row ? ok(toMcpServerView(row)) : noMcpServer;
}

export async function createMcpServer(db: Database, actor: Actor, input: CreateMcpServerInput): Promise<ServiceResult<McpServerView>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const values = {
    url: input.url,
    transport: input.transport ?? "streamable_http",
    authMode: input.auth_mode ?? "none",
    authHeaderName: input.auth_header_name ?? null,
    oauthTokenUrl: input.oauth_token_url ?? null,
    oauthClientId: input.oauth_client_id ?? null,
    oauthScope: input.oauth_scope ?? null,
    forwardHeaders: input.forward_headers ?? [],
  };
  const auth = checkAuth({ ...values, hasCredential: Boolean(input.credential) });
  if (!auth.ok) return auth;
  const urls = await checkUrls(values);
  if (!urls.ok) return urls;
  try {
    const row = await db.transaction(async (tx) => {
      const created = await insertMcpServer(tx, {
        orgId: actor.orgId,
        slug: input.slug,
        name: input.name,
        ...values,
        credentialCiphertext: input.credential ? encryptSecret(input.credential, getEncryptionKey()) : null,
        timeoutMs: input.timeout_ms ?? 30_000,
        logArguments: input.log_arguments ?? false,
        enabled: input.enabled ?? true,
      });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_server.create", targetType: "mcp_server", targetId: created.id, after: toMcpServerView(created) });
      await notifyConfigChanged(tx, "mcp");
      return created;
    });
    return ok(toMcpServerView(row));
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `An MCP server with slug "${input.slug}" exists already.`, field: "slug" });
    throw error;
  }
}

export async function updateMcpServer(db: Database, actor: Actor, id: string, input: UpdateMcpServerInput): Promise<ServiceResult<McpServerView>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const existing = await findMcpServer(db, actor.orgId, id);
  if (!existing) return noMcpServer;
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.transport !== undefined ? { transport: input.transport } : {}),
    ...(input.auth_mode !== undefined ? { authMode: input.auth_mode } : {}),
    ...(input.auth_header_name !== undefined ? { authHeaderName: input.auth_header_name } : {}),
    ...(input.credential !== undefined ? { credentialCiphertext: encryptSecret(input.credential, getEncryptionKey()) } : {}),
    ...(input.oauth_token_url !== undefined ? { oauthTokenUrl: input.oauth_token_url } : {}),
    ...(input.oauth_client_id !== undefined ? { oauthClientId: input.oauth_client_id } : {}),
    ...(input.oauth_scope !== undefined ? { oauthScope: input.oauth_scope } : {}),
    ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
    ...(input.forward_headers !== undefined ? { forwardHeaders: input.forward_headers } : {}),
    ...(input.log_arguments !== undefined ? { logArguments: input.log_arguments } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
  const next = { ...existing, ...patch };
  const auth = checkAuth({ ...next, hasCredential: next.credentialCiphertext !== null });
  if (!auth.ok) return auth;
  const urls = await checkUrls(next);
  if (!urls.ok) return urls;
  const row = await db.transaction(async (tx) => {
    const updated = (await updateMcpServerRow(tx, actor.orgId, id, patch))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_server.update", targetType: "mcp_server", targetId: id, before: toMcpServerView(existing), after: toMcpServerView(updated) });
    await notifyConfigChanged(tx, "mcp");
    return updated;
  });
  return ok(toMcpServerView(row));
}

export async function deleteMcpServer(db: Database, actor: Actor, id: string): Promise<ServiceResult<McpServerView>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const existing = await findMcpServer(db, actor.orgId, id);
  if (!existing) return noMcpServer;
  await db.transaction(async (tx) => {
    await deleteMcpServerRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_server.delete", targetType: "mcp_server", targetId: id, before: toMcpServerView(existing) });
    await notifyConfigChanged(tx, "mcp");
  });
  return ok(toMcpServerView(existing));
}
