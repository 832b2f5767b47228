import { describe, expect, test } from "vitest";
import type { LeaseAsk } from "@/db/queries/budgets";
import { decimalToPicos, picosToDecimal } from "../pricing";
import type { BudgetEntry } from "./applicable";
import { BudgetLeases, type LeaseStore } from "./leases";

const PERIOD = new Date(Date.UTC(2026, 11, 1));
const usd = (text: string) => decimalToPicos(text);

/** The database's side, as modelgate_lease_budgets / returnLeases keep it: one budget's limit, spent and reserved. */
function memoryStore(limit: string) {
  const state = { limit: usd(limit), spent: 0n, reserved: 0n, leaseCalls: 0, returned: 0n, renewals: 0, fail: false };
  const store: LeaseStore = {
    async lease(_leaseId, asks: LeaseAsk[]) {
      state.leaseCalls++;
      if (state.fail) throw new Error("database down");
      await new Promise((resolve) => setTimeout(resolve, 5));
      const answer = new Map<string, string>();
      for (const ask of asks) {
        const want = usd(ask.want);
        const grant = want <= (state.limit - state.spent - state.reserved) / 4n ? want : 0n;
        state.reserved += grant;
        answer.set(ask.budgetId, picosToDecimal(grant));
      }
      return answer;
    },
    async giveBack(_leaseId, parts) {
      for (const part of parts) {
        state.reserved -= usd(part.amount);
        state.returned += usd(part.amount);
      }
    },
    async renew() {
      state.renewals++;
    },
  };
  return { store, state };
}

function budget(limitUsd = "10"): BudgetEntry {
  return { id: "00000000-0000-4000-8000-000000000001", orgId: "org", scope: "org", scopeId: null, model: null, period: "monthly", limitUsd };
}

function leases(store: LeaseStore, clock = { now: 0 }) {
  return new BudgetLeases(store, { requestsPerSlice: 32, idleReturnMs: 2_000, ttlMs: 120_000, renewEveryMs: 30_000, holdTtlMs: 60_000, now: () => clock.now });
}

describe("BudgetLeases", () => {
  test("100 concurrent requests share one top-up; each settles its actual cost out of the slice", async () => {
    const { store, state } = memoryStore("10");
    const manager = leases(store);
    const item = { budget: budget(), periodStart: PERIOD, amount: usd("0.01") };
    const holds = await Promise.all(Array.from({ length: 100 }, () => manager.hold([item])));
    expect(holds.every((hold) => hold !== null)).toBe(true);
    // 32 requests per slice: 100 requests need 4 slices, asked for one at a time (single flight).
    expect(state.leaseCalls).toBe(4);
    expect(state.reserved).toBe(usd("1.28"));
    const charges = holds[0]!.settle(usd("0.004"));
    expect(charges).toEqual([{ budget_id: item.budget.id, period_start: PERIOD.toISOString(), lease: manager.leaseId, lease_amount: "0.004000000000" }]);
    // Settling twice answers the same charges and changes nothing.
    expect(holds[0]!.settle(usd("0.004"))).toBe(charges);
    expect(manager.snapshot()).toEqual([{ budgetId: item.budget.id, granted: usd("1.28"), consumed: usd("0.004"), held: usd("0.99") }]);
  });

  test("a request that costs more than its hold draws only what the slice has left beyond others' holds", async () => {
    const { store } = memoryStore("10");
    const manager = leases(store);
    const item = { budget: budget(), periodStart: PERIOD, amount: usd("0.01") };
    const holds = await Promise.all(Array.from({ length: 32 }, () => manager.hold([item])));
    // The slice (0.32) is fully held; the first request cost 0.05, five times its hold.
    const [charge] = holds[0]!.settle(usd("0.05"));
    expect(charge.lease_amount).toBe("0.010000000000");
  });

  test("unused parts go back after the idle time; the lease is renewed while slices exist", async () => {
    const { store, state } = memoryStore("10");
    const clock = { now: 0 };
    const manager = leases(store, clock);
    const hold = await manager.hold([{ budget: budget(), periodStart: PERIOD, amount: usd("0.01") }]);
    hold!.settle(usd("0.003"));
    clock.now = 1_000;
    await manager.tick();
    expect(state.returned).toBe(0n);
    clock.now = 31_000;
    await manager.tick();
    // Granted 0.32, consumed 0.003: 0.317 returned; what is left reserved is the settled cost's, until its row lands.
    expect(state.returned).toBe(usd("0.317"));
    expect(state.reserved).toBe(usd("0.003"));
    expect(state.renewals).toBe(1);
  });

  test("near the limit no slice is granted: null (reserve per request), and the unused part is given back first", async () => {
    const { store, state } = memoryStore("1");
    const manager = leases(store);
    const item = { budget: budget("1"), periodStart: PERIOD, amount: usd("0.007") };
    // 32 × 0.007 = 0.224 ≤ 1/4: granted. The second slice would be 0.224 > (1 − 0.224) / 4: refused.
    const first = await Promise.all(Array.from({ length: 33 }, () => manager.hold([item])));
    expect(first.filter((hold) => hold === null)).toHaveLength(1);
    expect(state.leaseCalls).toBe(2);
    first[0]!.settle(usd("0.007"));
    // Dry: the next request does not ask the database again, and gets back what the slice has unused.
    const next = await manager.hold([item]);
    expect(next).toBeNull();
    expect(state.leaseCalls).toBe(2);
    expect(state.returned).toBe(0n); // all of the slice is consumed or held
  });

  test("a changed limit gives the slice's unused part back before it is used again", async () => {
    const { store, state } = memoryStore("10");
    const manager = leases(store);
    const hold = await manager.hold([{ budget: budget("10"), periodStart: PERIOD, amount: usd("0.01") }]);
    hold!.settle(usd("0.01"));
    await manager.hold([{ budget: budget("5"), periodStart: PERIOD, amount: usd("0.01") }]);
    expect(state.returned).toBe(usd("0.31"));
    expect(state.leaseCalls).toBe(2);
  });

  test("a database failure while topping up is thrown (the request is refused as unavailable, not admitted)", async () => {
    const { store, state } = memoryStore("10");
    state.fail = true;
    const manager = leases(store);
    await expect(manager.hold([{ budget: budget(), periodStart: PERIOD, amount: usd("0.01") }])).rejects.toThrow("database down");
  });

  test("a hold whose request never settles is freed after its time to live", async () => {
    const { store } = memoryStore("10");
    const clock = { now: 0 };
    const manager = leases(store, clock);
    await manager.hold([{ budget: budget(), periodStart: PERIOD, amount: usd("0.01") }]);
    expect(manager.snapshot()[0].held).toBe(usd("0.01"));
    clock.now = 60_000;
    await manager.tick();
    expect(manager.snapshot()[0]?.held ?? 0n).toBe(0n);
  });
});
