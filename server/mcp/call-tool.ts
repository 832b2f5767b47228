import type { CallToolResult } from "@modelcontextprotocol/server";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { KeyEntry } from "@/server/gateway/config/config-source";
import { findGrant, type McpGrantEntry, type McpServerEntry } from "./config/mcp-config-source";
import type { McpCallRecord, McpDeps } from "./contract";
import { reserveCallBudget } from "./call-budget";
import { admitCall } from "./call-limits";
import { redactArguments } from "./redact-arguments";
import { splitExposedName } from "./tool-names";
import { pickForwardedHeaders } from "./upstream/outbound-headers";

export interface CallContext {
  key: KeyEntry;
  signal: AbortSignal;
  /** Allow-listed inbound headers are picked per server from these. */
  header(name: string): string | null;
}

type Resolved = { server: McpServerEntry; tool: string; grant?: McpGrantEntry };

/** A tool the key may not call, or that does not exist, answers the same: the spec's unknown-tool error (-32602). */
function unknownTool(name: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
}

function toolError(text: string, meta?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text }], isError: true, ...(meta ? { _meta: meta } : {}) };
}

/**
 * tools/call: resolve `<slug>__<tool>` against the key's grants and the approved definitions, apply the grant's
 * limits before the upstream is reached, forward with the gateway-held credential (never the caller's), and write
 * one call row whatever happens.
 */
export async function callExposedTool(deps: McpDeps, context: CallContext, name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const tracing = deps.tracing;
  if (!tracing) return callTool(deps, context, name, args);
  // GenAI semantic conventions' tool execution span (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/#execute-tool-span),
  // continuing the caller's traceparent.
  const span = tracing.startSpan(
    `execute_tool ${name}`,
    "server",
    { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "gen_ai.tool.type": "extension", "modelgate.key_prefix": context.key.prefix },
    tracing.parentOf(context.header("traceparent") ?? undefined, context.header("tracestate") ?? undefined),
  );
  try {
    const result = await callTool(deps, context, name, args);
    if (result.isError) {
      span.setAttribute("error.type", "tool_error");
      span.setStatus({ code: tracing.api.SpanStatusCode.ERROR });
    }
    return result;
  } catch (error) {
    span.setAttribute("error.type", error instanceof ProtocolError ? "unknown_tool" : "internal");
    span.setStatus({ code: tracing.api.SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

async function callTool(deps: McpDeps, context: CallContext, name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const started = Date.now();
  const requestBytes = Buffer.byteLength(JSON.stringify(args ?? {}));
  const record = (fields: Partial<McpCallRecord> & Pick<McpCallRecord, "status">, resolved?: Resolved) =>
    deps.recordCall({
      orgId: context.key.orgId,
      keyId: context.key.id,
      teamId: context.key.teamId,
      serverId: resolved?.server.id ?? null,
      serverSlug: resolved?.server.slug ?? null,
      tool: resolved?.tool ?? name,
      latencyMs: Date.now() - started,
      requestBytes,
      responseBytes: 0,
      costUsd: "0",
      arguments: resolved?.server.logArguments && args !== undefined ? redactArguments(args) : null,
      error: null,
      createdAt: new Date(started),
      ...fields,
    });
  const deny = (reason: string, resolved?: Resolved): never => {
    record({ status: "denied", error: reason }, resolved);
    deps.audit({ orgId: context.key.orgId, keyId: context.key.id, action: "mcp.call_denied", tool: name, reason });
    throw unknownTool(name);
  };

  const parts = splitExposedName(name);
  const server = parts ? deps.config.findServerBySlug(context.key.orgId, parts.slug) : undefined;
  if (!parts || !server) return deny("no such server");
  const grant = findGrant(deps.config.grantsFor(context.key.orgId, context.key.id, context.key.teamId), server.id, parts.tool);
  if (!grant) return deny("no grant covers this tool", { server, tool: parts.tool });
  const resolved: Resolved = { server, tool: parts.tool, grant };

  const catalog = await deps.catalog.get(server);
  if (!catalog.ok) {
    record({ status: "upstream_error", error: catalog.reason }, resolved);
    return toolError(`The MCP server "${server.slug}" is unavailable: ${catalog.reason}.`);
  }
  const live = catalog.tools.get(parts.tool);
  if (!live || deps.config.approvedHash(server.id, parts.tool) !== live.hash) return deny(live ? "the tool's current definition is not approved" : "the server has no such tool", resolved);

  const admission = await admitCall(deps.rateLimiter, grant, context.key);
  if (!admission.ok) {
    record({ status: "rate_limited", error: admission.reason }, resolved);
    return toolError(`${admission.reason} Retry after ${Math.ceil(admission.retryAfterMs / 1000)} s.`, { retryAfterMs: admission.retryAfterMs });
  }
  const callId = `mcp_${crypto.randomUUID()}`;
  const budget = await reserveCallBudget(deps.budgets, deps.keys, context.key, callId, grant.costPerCallUsd, server.timeoutMs);
  if (!budget.ok) {
    admission.release();
    record({ status: "over_budget", error: budget.reason }, resolved);
    return toolError(`${budget.reason} Retry after ${Math.ceil(budget.retryAfterMs / 1000)} s.`, { retryAfterMs: budget.retryAfterMs });
  }
  const ledger = (status: "success" | "error" | "aborted", error: string | null) =>
    deps.usage?.record({
      id: callId,
      orgId: context.key.orgId,
      teamId: context.key.teamId,
      keyId: context.key.id,
      keyPrefix: context.key.prefix,
      requestedModel: name,
      servedModel: name,
      provider: "mcp",
      endpoint: "/mcp",
      status,
      httpStatus: 200,
      errorMessage: error,
      costUsd: grant.costPerCallUsd,
      latencyMs: Date.now() - started,
      startedAt: new Date(started),
      endedAt: new Date(),
      clientAborted: status === "aborted",
      budgetCharges: budget.charges,
    });
  try {
    const result = await deps.upstream.callTool(server, parts.tool, args, { signal: context.signal, headers: pickForwardedHeaders(server, context.header) });
    if (!result.ok) {
      const status = context.signal.aborted ? "cancelled" : result.isTimeout ? "timeout" : "upstream_error";
      record({ status, error: result.reason, costUsd: grant.costPerCallUsd }, resolved);
      ledger(status === "cancelled" ? "aborted" : "error", result.reason);
      return toolError(`The MCP server "${server.slug}" failed: ${result.reason}.`);
    }
    const responseBytes = Buffer.byteLength(JSON.stringify(result.value));
    record({ status: result.value.isError ? "tool_error" : "ok", responseBytes, costUsd: grant.costPerCallUsd }, resolved);
    ledger(result.value.isError ? "error" : "success", null);
    return result.value;
  } finally {
    admission.release();
  }
}
