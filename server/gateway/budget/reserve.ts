import type { ReserveOutcome } from "@/db/queries/budgets";
import { describeError, logger } from "@/server/logger";
import { pricingAt } from "../config/config-source";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import { chargeOf, picosToDecimal } from "../pricing";
import { measurePrompt, type PromptSize } from "../prompt-size";
import type { ChatRequest, Result } from "../types";
import { applicableBudgets, type BudgetEntry } from "./applicable";
import type { BudgetLeases } from "./leases";
import { periodStart } from "./periods";

/** Where reservations are made: PostgreSQL (db/queries/budgets.ts) in production; tests may hand in their own. */
export interface BudgetStore {
  /** This replica's budget slices; absent: every budgeted request reserves in the database. */
  leases?: BudgetLeases;
  reserve(requestId: string, charges: { budgetId: string; periodStart: Date; amount: string }[], expiresAt: Date): Promise<ReserveOutcome>;
}

/** Output tokens reserved when a request sets no max_tokens and its model has no known maximum output. */
export const DEFAULT_RESERVED_OUTPUT_TOKENS = 4096;
/** Tokens an image is reserved as (a high-detail image's upper range); settled with what the provider counts. */
const IMAGE_RESERVED_TOKENS = 2000;
/** Per-message framing tokens (role markers), reserved on top of the text. */
const MESSAGE_OVERHEAD_TOKENS = 8;

/**
 * An upper bound of a chat request's input tokens without running a tokenizer: the UTF-8 byte length of its text
 * (byte-level BPE tokenizers never produce more tokens than bytes), images at IMAGE_RESERVED_TOKENS, plus framing.
 */
export function worstCaseInputTokens(request: Pick<ChatRequest, "messages" | "tools">, size: PromptSize = measurePrompt(request)): number {
  const tools = request.tools ? Buffer.byteLength(JSON.stringify(request.tools)) : 0;
  return size.bytes + size.images * IMAGE_RESERVED_TOKENS + size.messages * MESSAGE_OVERHEAD_TOKENS + tools;
}

const scopeWords: Record<BudgetEntry["scope"], string> = { org: "The organization's", key: "This key's", team: "This key's team's", user: "This end user's", model: "This model's" };

function describeBudget(budget: BudgetEntry): string {
  const period = budget.period === "lifetime" ? "lifetime" : budget.period;
  return `${scopeWords[budget.scope]} ${period}${budget.model && budget.scope !== "model" ? " (this model)" : ""} budget`;
}

/**
 * Before the first upstream call: reserves the request's worst-case cost (input upper bound + max_tokens, or the
 * model's max output, or DEFAULT_RESERVED_OUTPUT_TOKENS, at the effective price in force now: the org's own
 * price less its provider discount, as the ledger row will be charged) against every budget
 * that applies, all or nothing: from this replica's leased slices when they cover it (budget/leases.ts), else in one
 * database call. The budgets charged ride on the record into the ledger row,
 * whose insert settles them (db/queries/usage-ledger.ts); a request that never writes its row (a crashed replica)
 * has its reservation freed by the sweeper after it expires. A budget that cannot be checked refuses the request.
 */
export async function reserveBudgets(
  deps: GatewayDeps,
  record: RequestRecord,
  request: { endUser: string | null; inputTokens: number; outputTokens: number },
): Promise<Result<void>> {
  const store = deps.budgets;
  const model = record.model;
  if (!store || !model) return { ok: true, value: undefined };
  const { key } = record;
  const budgets = applicableBudgets(deps.config.findBudgets(key.orgId), { keyId: key.id, teamId: key.teamId, endUser: request.endUser, model: model.name });
  if (budgets.length === 0) return { ok: true, value: undefined };
  const now = new Date();
  // The same pricing the ledger row will charge (the org's price less its provider discount, else the catalog's).
  const pricing = pricingAt(model, now.getTime());
  if (!pricing.list && !pricing.orgPrice) {
    return { ok: false, error: { kind: "budget_exceeded", message: `${describeBudget(budgets[0])} applies, and the model has no price to reserve its cost against it.`, code: "budget_model_unpriced" } };
  }
  const picos = chargeOf({ inputTokens: request.inputTokens, outputTokens: request.outputTokens }, pricing).costPicos;
  const amount = picosToDecimal(picos);
  const charges = budgets.map((budget) => ({ budgetId: budget.id, periodStart: periodStart(budget.period, now, budget.timeZone), amount }));
  let outcome: ReserveOutcome;
  try {
    if (store.leases) {
      // From this replica's slices when they cover it (no database call); null near a limit: reserve per request.
      const hold = await store.leases.hold(budgets.map((budget, index) => ({ budget, periodStart: charges[index].periodStart, amount: picos })));
      if (hold) {
        record.budgetHold = hold;
        return { ok: true, value: undefined };
      }
    }
    outcome = await store.reserve(record.id, charges, new Date(now.getTime() + deps.options.totalTimeoutMs + RESERVATION_GRACE_MS));
  } catch (error) {
    logger.warn("budget reservation failed; refusing the request", { request_id: record.id, ...describeError(error) });
    return { ok: false, error: { kind: "budget_exceeded", message: "Budgets cannot be checked right now, so the request was not sent. Retry later.", code: "budget_unavailable", status: 503 } };
  }
  if (!outcome.ok) {
    const refusing = budgets.find((budget) => budget.id === outcome.budgetId) ?? budgets[0];
    return outcome.reason === "exhausted"
      ? { ok: false, error: { kind: "budget_exceeded", message: `${describeBudget(refusing)} is exhausted.` } }
      : { ok: false, error: { kind: "budget_exceeded", message: `${describeBudget(refusing)} is nearly used, and what remains is held by requests in flight or still settling. Retry shortly.`, code: "budget_held", retryAfterMs: 1000 } };
  }
  record.budgetCharges = outcome.reserved.map((reserved) => ({ budget_id: reserved.budgetId, period_start: charges.find((charge) => charge.budgetId === reserved.budgetId)!.periodStart.toISOString() }));
  return { ok: true, value: undefined };
}

/** How long past a request's total timeout its reservation outlives it (the ledger batch may still be in flight). */
export const RESERVATION_GRACE_MS = 120_000;

/** The output tokens a chat request may produce: max_completion_tokens / max_tokens, else the model's maximum, else the default. */
export function worstCaseOutputTokens(request: Pick<ChatRequest, "max_tokens" | "max_completion_tokens">, maxOutputTokens: number | null): number {
  return request.max_completion_tokens ?? request.max_tokens ?? maxOutputTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS;
}
