import type { RouteAttemptValue, RouteTraceValue } from "@/db/schema/route-trace";
import type { GatewayError, Result } from "../types";
import { retryDelay } from "./backoff";
import { classifyFailure, isCircuitFailure, type FailureClass } from "./classify-failure";
import type { DeploymentEntry, GroupEntry } from "./group-entry";
import type { RoutingState } from "./routing-state";

export interface RunOptions {
  state: RoutingState;
  /** Aborted when the client leaves or the request's total timeout passes. */
  signal: AbortSignal;
  /** When the request arrived (state clock): the group's deadline counts from here. */
  startedAt: number;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** An answer the group's admin asked to fall back from (content filter refusal, when opted in). */
  isRefusal?: (value: unknown) => boolean;
}

export interface RunOutcome<T> {
  result: Result<T>;
  /** The deployment whose answer `result` is (success, or a refusal kept as the answer). */
  deployment?: DeploymentEntry;
}

/** Rate-limited with no Retry-After: the deployment is passed over this long. */
const DEFAULT_COOLDOWN_MS = 1000;

/**
 * The attempt loop of a routed request (README "Model groups and routing", Resilience). Each step takes the candidate
 * tried fewest times, best ranked first, among those not ruled out and whose circuit lets a request through: so the
 * first failure of a deployment moves on to the next one at once (a fallback), and only a candidate tried before waits
 * (backoff with full jitter, or the provider's Retry-After) and spends the group's retry budget. Bounded by the
 * group's max_attempts and deadline. Every step lands in `trace.attempts` with why it was taken.
 */
export async function runRoute<T>(group: GroupEntry, order: DeploymentEntry[], trace: RouteTraceValue, options: RunOptions, attempt: (deployment: DeploymentEntry) => Promise<Result<T>>): Promise<RunOutcome<T>> {
  const { state } = options;
  const settings = group.definition.retry;
  const budget = state.retryBudgetOf(group.id, settings.budget_ratio, settings.budget_window_ms);
  budget.recordRequest(state.now());
  const subjectOf = (deployment: DeploymentEntry) => ({ key: deployment.healthKey, deployment: deployment.id, group: { id: group.id, orgId: group.orgId, name: group.name } });
  const tries = new Map<DeploymentEntry, number>();
  const lastErrors = new Map<DeploymentEntry, GatewayError>();
  const ruledOut = new Set<DeploymentEntry>();
  let lastError: GatewayError | undefined;
  let refused: RunOutcome<T> | undefined;
  let previous: { deployment: DeploymentEntry; failure: FailureClass | "content_filter" } | undefined;
  const finish = (outcome: RunOutcome<T>, summary: string): RunOutcome<T> => ((trace.summary = summary), outcome);

  for (let made = 0; made < settings.max_attempts; made++) {
    const breakerOf = (deployment: DeploymentEntry) => state.breakerOf(deployment.healthKey, group.definition.circuit);
    const eligible = order.filter((deployment) => !ruledOut.has(deployment) && breakerOf(deployment).isAvailable(state.now()));
    if (eligible.length === 0) break;
    const deployment = eligible.reduce((best, candidate) => ((tries.get(candidate) ?? 0) < (tries.get(best) ?? 0) ? candidate : best));
    const count = tries.get(deployment) ?? 0;
    let delayMs = 0;
    if (count > 0) {
      if (!budget.tryRetry(state.now())) return finish({ result: { ok: false, error: lastError! } }, `retry budget of ${group.name} spent (${Math.round(settings.budget_ratio * 100)} % of requests): no retry of ${deployment.id}`);
      const delay = retryDelay(lastErrors.get(deployment)!, count - 1, { baseDelayMs: settings.base_delay_ms, maxDelayMs: settings.max_delay_ms, random: options.random });
      if (delay.delayMs > settings.max_delay_ms) return finish({ result: { ok: false, error: lastError! } }, `${deployment.id} asked to wait ${delay.delayMs} ms, above max_delay_ms ${settings.max_delay_ms}`);
      delayMs = delay.delayMs;
    }
    if (state.now() + delayMs - options.startedAt > settings.deadline_ms) break;
    if (delayMs > 0) await options.sleep(delayMs, options.signal);
    if (options.signal.aborted) break;
    const admitted = breakerOf(deployment).allows(state.now());
    state.noteCircuit(subjectOf(deployment), admitted.change, group.definition.circuit.cooldown_ms);
    if (!admitted.allowed) {
      ruledOut.add(deployment);
      made--;
      continue;
    }
    const reason = made === 0 ? `first choice (${group.definition.strategy})` : count > 0 ? `retry ${count} of ${deployment.id} after ${previous?.failure}` : `fallback after ${previous?.deployment.id}: ${previous?.failure}`;
    tries.set(deployment, count + 1);
    const startMs = state.now();
    const result = await attempt(deployment);
    const entry: RouteAttemptValue = { deployment: deployment.id, model: deployment.model.name, startMs: startMs - options.startedAt, durationMs: state.now() - startMs, delayMs, outcome: result.ok ? "success" : "error", reason };
    trace.attempts.push(entry);
    if (result.ok) {
      state.noteCircuit(subjectOf(deployment), breakerOf(deployment).onSuccess(), group.definition.circuit.cooldown_ms);
      if (!options.isRefusal?.(result.value)) return finish({ result, deployment }, `served by ${deployment.id} (${deployment.model.name}) on attempt ${made + 1}`);
      entry.outcome = "error";
      entry.error = { kind: "content_filter" };
      refused = { result, deployment };
      ruledOut.add(deployment);
      previous = { deployment, failure: "content_filter" };
      continue;
    }
    const error = result.error;
    const failure = classifyFailure(error);
    entry.error = describeError(error);
    lastError = error;
    lastErrors.set(deployment, error);
    previous = { deployment, failure };
    if (isCircuitFailure(failure)) state.noteCircuit(subjectOf(deployment), breakerOf(deployment).onFailure(state.now(), entry.error.code ?? (entry.error.status ? `${entry.error.kind} ${entry.error.status}` : entry.error.kind)), group.definition.circuit.cooldown_ms);
    if (failure === "final") return finish({ result }, `${deployment.id} answered an error no other deployment can fix (${entry.error.code ?? entry.error.kind})`);
    if (failure === "rate_limited") {
      const wait = error.kind === "upstream" ? (error.retryAfterMs ?? DEFAULT_COOLDOWN_MS) : DEFAULT_COOLDOWN_MS;
      state.coolDown(subjectOf(deployment), state.now() + wait, `429 from the provider: passed over for ${wait} ms`);
    }
    if (failure === "deployment_broken") ruledOut.add(deployment);
    if (failure === "context_overflow") {
      const window = deployment.model.contextWindow;
      for (const other of order) if (other === deployment || (window !== null && other.model.contextWindow !== null && other.model.contextWindow <= window)) ruledOut.add(other);
    }
  }
  if (refused) return finish(refused, `every candidate refused (content filter); the refusal of ${refused.deployment!.id} is the answer`);
  if (lastError) return finish({ result: { ok: false, error: lastError } }, options.signal.aborted ? "the request was aborted" : `no attempt succeeded (${trace.attempts.length} made)`);
  const error: GatewayError = { kind: "unavailable", message: `No deployment of \`${group.name}\` can take requests right now (circuits open); retry later.`, code: "no_healthy_deployment", retryAfterMs: 1000 };
  return finish({ result: { ok: false, error } }, "no candidate was available");
}

function describeError(error: GatewayError): NonNullable<RouteAttemptValue["error"]> {
  const code = "code" in error && typeof error.code === "string" ? error.code : error.kind === "timeout" ? `timeout_${error.phase}` : undefined;
  const timing = error.kind === "timeout" ? { phase: error.phase, ...(error.scope ? { scope: error.scope } : {}) } : {};
  return { kind: error.kind, ...(error.kind === "upstream" ? { status: error.status } : {}), ...(code ? { code } : {}), ...timing };
}
