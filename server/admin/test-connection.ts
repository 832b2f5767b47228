import type { Database } from "@/db/client";
import { findConnection } from "@/db/queries/provider-connections";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { decryptSecret } from "@/server/crypto/secret-box";
import { toOpenAIError } from "@/server/gateway/errors";
import { getGatewayRuntime } from "@/server/gateway/runtime";
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
  const sent = await runtime.deps.upstream.send(buildProbeRequest(connection.kind, connection.baseUrl, apiKey), {
    provider: connection.kind,
    trusted: connection.source === "env",
    signal: AbortSignal.timeout(15_000),
  });
  const latencyMs = Date.now() - started;
  if (!sent.ok) return ok({ ok: false, latencyMs, status: null, message: toOpenAIError(sent.error).body.error.message });
  const text = await sent.value.text().catch(() => "");
  if (sent.value.status >= 200 && sent.value.status < 300) return ok({ ok: true, latencyMs, status: sent.value.status, message: "Connected: the provider accepted the credential." });
  const error = adapters[connection.kind].parseError(sent.value.status, text, sent.value.headers);
  const message = error.kind === "upstream" ? error.message : toOpenAIError(error).body.error.message;
  return ok({ ok: false, latencyMs, status: sent.value.status, message: `The provider answered ${sent.value.status}: ${message}` });
}
