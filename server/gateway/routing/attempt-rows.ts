import type { RouteAttemptValue, RouteTraceValue } from "@/db/schema/route-trace";
import { applicableBudgets } from "../budget/applicable";
import { periodStart } from "../budget/periods";
import type { GatewayDeps } from "../deps";
import { toOpenAIError } from "../errors";
import { newRecord, settleInBackground, type RequestRecord } from "../ledger";
import { newRequestId } from "../request-id";
import type { ChatRequest, GatewayError, Usage } from "../types";
import type { UpstreamClient } from "../upstream";
import type { DeploymentEntry } from "./group-entry";

/** What one attempt's upstream call got to: sent at all, the provider's status, or why the send failed. */
export interface AttemptMeter {
  sent: boolean;
  status?: number;
  sendError?: GatewayError;
}

/** The upstream client, noting on `meter` how far this attempt's call got (the group's attempts only). */
export function meteredUpstream(client: UpstreamClient, meter: AttemptMeter): UpstreamClient {
  return {
    async send(upstream, options) {
      // The last send is the attempt's own (an adapter's credential exchange, e.g. an OAuth token, goes first).
      meter.sent = true;
      meter.status = undefined;
      meter.sendError = undefined;
      const result = await client.send(upstream, options);
      if (result.ok) meter.status = result.value.status;
      else meter.sendError = result.error;
      return result;
    },
    close: () => client.close(),
  };
}

/**
 * Whether the provider may bill the attempt (README "Model groups and routing", Billing): it accepted the request (a
 * 2xx, then a refusal, a cut, an error event or a timeout), or had it in flight when a clock ran out (no headers yet:
 * undici's first-token timeout, or the group's own clock aborting the send). An answer with an error status is the
 * provider refusing the work (providers do not bill those), and a connect timeout, a network error or an open circuit
 * never reached it: none of these is billed.
 */
export function isBilledAttempt(meter: AttemptMeter): boolean {
  if (!meter.sent) return false;
  if (meter.status !== undefined) return meter.status >= 200 && meter.status < 300;
  return meter.sendError?.kind === "timeout" && meter.sendError.phase !== "connect";
}

/** An earlier attempt of a routed request that the provider billed, to be its own child ledger row. */
export interface BilledAttempt {
  deployment: DeploymentEntry;
  /** The request as this deployment got it (its overrides): the prompt an estimate counts. */
  chatRequest: ChatRequest;
  startedAt: number;
  endedAt: number;
  /** Its entry in the request's trace (index into trace.attempts). */
  traceIndex: number;
  error: GatewayError;
  httpStatus: number;
  /** What the provider reported (a refused answer's usage, usage sent before a stream failed); absent: estimated. */
  usage?: Usage;
  /** What it produced, for an estimate of the output when usage is absent ("" before any content). */
  producedText: string;
}

/**
 * One child row per billed attempt (parent_id = the request): its own deployment, provider and model, status error,
 * the provider's usage or the prompt estimated (tokens_estimated, as the ledger does for aborted streams), priced at
 * the deployment's prices in force when the attempt started, and charged to the budgets that apply to its model. Each
 * attempt is handed here once, after the attempt loop, and its row has a fresh id: never recorded twice.
 */
export function recordAttemptRows(deps: GatewayDeps, parent: RequestRecord, trace: RouteTraceValue, attempts: readonly BilledAttempt[]): void {
  for (const attempt of attempts) {
    const child = newRecord(newRequestId(), parent.key, parent.endpoint);
    const entry: RouteAttemptValue | undefined = trace.attempts[attempt.traceIndex];
    Object.assign(child, {
      startedAt: attempt.startedAt,
      endedAt: attempt.endedAt,
      parentId: parent.id,
      stream: parent.stream,
      requestedModel: parent.requestedModel,
      model: attempt.deployment.model,
      chatRequest: attempt.chatRequest,
      endUser: parent.endUser ?? null,
      attempts: 1,
      budgetCharges: chargesFor(deps, parent, attempt.deployment, new Date(attempt.startedAt)),
      route: {
        group: trace.group,
        version: trace.version,
        strategy: trace.strategy,
        candidates: [],
        attempts: entry ? [entry] : [],
        summary: `attempt ${attempt.traceIndex + 1} of ${parent.id} on ${attempt.deployment.id}, billed by the provider: ${entry?.error?.code ?? attempt.error.kind}`,
      },
    } satisfies Partial<RequestRecord>);
    settleInBackground(child, { status: "error", httpStatus: attempt.httpStatus, error: attempt.error, usage: attempt.usage, producedText: attempt.producedText }, deps);
  }
}

/** The budgets that apply to the attempt's own model: its cost is added to their spend when its row is inserted. */
function chargesFor(deps: GatewayDeps, parent: RequestRecord, deployment: DeploymentEntry, at: Date): RequestRecord["budgetCharges"] {
  const { key } = parent;
  const budgets = applicableBudgets(deps.config.findBudgets(key.orgId), { keyId: key.id, teamId: key.teamId, endUser: parent.endUser ?? null, model: deployment.model.name });
  if (budgets.length === 0) return undefined;
  return budgets.map((budget) => ({ budget_id: budget.id, period_start: periodStart(budget.period, at, budget.timeZone).toISOString() }));
}

/** The status a billed attempt's row records: the error's own (a timeout 504, a cut 502), or the provider's 200 for a refusal. */
export function attemptStatus(error: GatewayError): number {
  return toOpenAIError(error).status;
}
