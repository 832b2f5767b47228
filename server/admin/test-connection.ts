import type { Database } from "@/db/client";
import { findConnection } from "@/db/queries/provider-connections";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { decryptSecret } from "@/server/crypto/secret-box";
import { toOpenAIError } from "@/server/gateway/errors";
import { getGatewayRuntime } from "@/server/gateway/runtime";
import type { UpstreamRequest } from "@/server/gateway/types";
import { isProviderKind } from "@/server/providers";
import { buildProbeRequest } from "@/server/providers/probe";
import { adapters } from "@/server/providers";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  status: number | null;
  message: string;
}

/** "Test connection": the provider's list-models endpoint with the stored credential, through the gateway's upstream client. */
export async function testProviderConnection(db: Database, actor: Actor, id: string): Promise<ServiceResult<ConnectionTestResult>> {
  if (!can(actor.role, "providers:write")) return failure({ code: "forbidden", message: "Your role cannot test providers." });
  const connection = await findConnection(db, actor.orgId, id);
  if (!connection) return failure({ code: "not_found", message: "No such provider connection." });
  if (!isProviderKind(connection.kind)) return failure({ code: "invalid", message: `Unsupported provider kind ${connection.kind}` });
  const apiKey = connection.credentialCiphertext ? decryptSecret(connection.credentialCiphertext, getEncryptionKey()) : "";
  const runtime = await getGatewayRuntime();
  const started = Date.now();
  const kind = connection.kind;
  const trusted = connection.source === "env";
  const signal = AbortSignal.timeout(15_000);
  const adapter = adapters[kind];
  const probe = buildProbeRequest(kind, connection.baseUrl, apiKey);
  // Providers with an async credential step (Vertex: service account → access token) authorize the probe as a request.
  const target = { provider: kind, connectionId: connection.id, baseUrl: connection.baseUrl.replace(/\/+$/, ""), apiKey, upstreamModel: "", modelName: "" };
  const send = (request: UpstreamRequest, requestSignal: AbortSignal) => runtime.deps.upstream.send(request, { provider: kind, trusted, signal: requestSignal });
  const authorized = adapter.authorize ? await adapter.authorize(probe, target, { send, trusted, signal }) : ({ ok: true, value: probe } as const);
  const sent = authorized.ok ? await send(authorized.value, signal) : authorized;
  const latencyMs = Date.now() - started;
  if (!authorized.ok && authorized.error.kind === "upstream") return ok({ ok: false, latencyMs, status: null, message: `${kind}: ${authorized.error.message}` });
  if (!sent.ok) return ok({ ok: false, latencyMs, status: null, message: toOpenAIError(sent.error).body.error.message });
  const text = await sent.value.text().catch(() => "");
  if (sent.value.status >= 200 && sent.value.status < 300) return ok({ ok: true, latencyMs, status: sent.value.status, message: "Connected: the provider accepted the credential." });
  if (sent.value.status === 401 && authorized.ok) adapter.onUnauthorized?.(authorized.value, target);
  const error = adapter.parseError(sent.value.status, text, sent.value.headers);
  const message = error.kind === "upstream" ? error.message : toOpenAIError(error).body.error.message;
  return ok({ ok: false, latencyMs, status: sent.value.status, message: `The provider answered ${sent.value.status}: ${message}` });
}
