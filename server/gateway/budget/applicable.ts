import type { BudgetPeriod } from "./periods";

export type BudgetScope = "org" | "key" | "team" | "user" | "model";

/** One budget as the config snapshot holds it. */
export interface BudgetEntry {
  id: string;
  orgId: string;
  scope: BudgetScope;
  /** Key id, team id, end user or model name; null for the org. */
  scopeId: string | null;
  /** Narrows the budget to one model (e.g. team × model). */
  model: string | null;
  period: BudgetPeriod;
  /** USD, a decimal string. */
  limitUsd: string;
  /** The org's IANA time zone: periods are its calendar days, weeks and months. Absent: UTC. */
  timeZone?: string;
}

export interface BudgetSubject {
  keyId: string;
  teamId: string | null;
  endUser: string | null;
  /** The public model name the request resolved to. */
  model: string | null;
}

/** Every budget of the org that the request counts against, sorted by id (the lock order of the reservation). */
export function applicableBudgets(budgets: readonly BudgetEntry[], subject: BudgetSubject): BudgetEntry[] {
  const matches = budgets.filter((budget) => {
    if (budget.model !== null && budget.model !== subject.model) return false;
    switch (budget.scope) {
      case "org":
        return true;
      case "key":
        return budget.scopeId === subject.keyId;
      case "team":
        return subject.teamId !== null && budget.scopeId === subject.teamId;
      case "user":
        return subject.endUser !== null && budget.scopeId === subject.endUser;
      case "model":
        return subject.model !== null && budget.scopeId === subject.model;
    }
  });
  return matches.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
