import { randomUUID } from "node:crypto";
import type { LeaseAsk } from "@/db/queries/budgets";
import { describeError, logger } from "@/server/logger";
import { decimalToPicos, picosToDecimal } from "../pricing";
import type { BudgetEntry } from "./applicable";

/** Where slices are granted, given back and renewed: PostgreSQL (db/queries/budgets.ts); tests may hand in their own. */
export interface LeaseStore {
  lease(leaseId: string, asks: LeaseAsk[], expiresAt: Date): Promise<Map<string, string>>;
  giveBack(leaseId: string, parts: { budgetId: string; periodStart: Date; amount: string }[]): Promise<void>;
  renew(leaseId: string, expiresAt: Date): Promise<void>;
}

export interface LeaseOptions {
  /** A slice is sized for this many requests like the one asking; granted only while it is ≤ ¼ of what remains. */
  requestsPerSlice: number;
  /** Unused parts of a slice go back after this long without a request. */
  idleReturnMs: number;
  /** A slice's expiry in the database, pushed out while this process lives; after it the sweeper frees the slice. */
  ttlMs: number;
  renewEveryMs: number;
  /** How long a request's hold lives if its request never settles (a bug, not a path): then it is freed. */
  holdTtlMs: number;
  now?: () => number;
}

export const DEFAULT_LEASE_OPTIONS: Omit<LeaseOptions, "holdTtlMs"> = { requestsPerSlice: 32, idleReturnMs: 2_000, ttlMs: 120_000, renewEveryMs: 30_000 };

/** After a budget could not grant a slice, its requests reserve one by one for this long before asking again. */
const DRY_MS = 1_000;
/** A slice fully used and idle this long is forgotten (its database row has nothing left once its rows settle). */
const FORGET_MS = 60_000;

/** One budget period's slice, in picodollars: available = granted − consumed − held. */
interface Slice {
  budgetId: string;
  periodStart: Date;
  /** The budget's limit when the slice was taken; a changed limit gives the slice back before it is used again. */
  limitUsd: string;
  granted: bigint;
  consumed: bigint;
  held: bigint;
  lastUsed: number;
  dryUntil: number;
  topUp: Promise<void> | null;
  holds: Set<HoldPart>;
}

interface HoldPart {
  slice: Slice;
  amount: bigint;
  expiresAt: number;
  released: boolean;
}

/** A charge as the ledger row carries it (usage_ledger.budget_charges); its insert settles it. */
export interface LeasedCharge {
  budget_id: string;
  period_start: string;
  lease: string;
  lease_amount: string;
}

/** A request's holds on the slices of every budget that applies to it. */
export interface LeaseHold {
  /**
   * The request finished and cost `costPicos`: frees its holds and answers the ledger row's charges (what of the
   * cost each slice covers). Idempotent: a second call answers the same charges and changes nothing.
   */
  settle(costPicos: bigint): LeasedCharge[];
}

export interface HoldItem {
  budget: BudgetEntry;
  periodStart: Date;
  /** The request's worst-case cost in picodollars. */
  amount: bigint;
}

const available = (slice: Slice) => slice.granted - slice.consumed - slice.held;

/**
 * Budget slices leased by this replica (README "Budgets"): a request reserves its worst case from memory when the
 * replica's slice of every budget that applies covers it, and only a top-up (sized for requestsPerSlice such
 * requests) costs a database call. PostgreSQL keeps the invariant spent + reserved ≤ limit, with every slice counted
 * in reserved, so the overshoot bound of per-request reservations holds unchanged. Near the limit (a slice would be
 * more than a quarter of what remains) a budget grants none: the replica gives its unused part back and its requests
 * reserve one by one, exactly as without slices.
 */
export class BudgetLeases {
  readonly leaseId = randomUUID();
  private readonly slices = new Map<string, Slice>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private lastRenew = 0;
  private ticking = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(tickMs = 500): void {
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  /** Stops the timers and gives back every unused part (holds of requests still in flight stay until their rows settle). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.giveBackQuietly([...this.slices.values()].filter((slice) => available(slice) > 0n));
  }

  /**
   * Holds `amount` on every item's slice, topping slices up as needed. Null: some budget grants no slice now
   * (nearly used), so the request must reserve per request; the unused part of that budget's slice is given back
   * first, so this replica's own slice does not stand in its way.
   */
  async hold(items: HoldItem[]): Promise<LeaseHold | null> {
    // Each round commits, waits for a top-up in flight, or tops up; a dry budget ends the loop with null.
    for (let round = 0; round < 64; round++) {
      const now = this.now();
      const slices = items.map((item) => this.sliceFor(item));
      const dry = slices.filter((slice) => slice.dryUntil > now);
      if (dry.length > 0) {
        await this.giveBackQuietly(dry.filter((slice) => available(slice) > 0n && !slice.topUp));
        return null;
      }
      const changed = items.filter((item, index) => slices[index].limitUsd !== item.budget.limitUsd);
      if (changed.length > 0) {
        const stale = changed.map((item) => this.sliceFor(item));
        await this.giveBackQuietly(stale.filter((slice) => available(slice) > 0n && !slice.topUp));
        for (const [index, item] of items.entries()) if (slices[index].limitUsd !== item.budget.limitUsd) slices[index].limitUsd = item.budget.limitUsd;
        continue;
      }
      const lacking = items.map((item, index) => ({ item, slice: slices[index] })).filter(({ item, slice }) => available(slice) < (item.amount > 0n ? item.amount : 1n));
      if (lacking.length === 0) return this.commit(items, slices, now);
      const pending = lacking.map(({ slice }) => slice.topUp).filter((topUp): topUp is Promise<void> => topUp !== null);
      if (pending.length > 0) {
        await Promise.all(pending);
        continue;
      }
      await this.topUp(lacking);
    }
    return null;
  }

  /** Gives back idle unused parts, frees expired holds, forgets spent slices, renews the lease rows. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.now();
      for (const slice of this.slices.values()) {
        for (const part of slice.holds) {
          if (part.expiresAt <= now) {
            logger.warn("freed a budget hold whose request never settled", { budget_id: slice.budgetId });
            this.release(part);
          }
        }
      }
      const idle = [...this.slices.values()].filter((slice) => !slice.topUp && available(slice) > 0n && now - slice.lastUsed >= this.options.idleReturnMs);
      await this.giveBack(idle);
      for (const [key, slice] of this.slices) {
        if (!slice.topUp && slice.held === 0n && slice.granted <= slice.consumed && now - slice.lastUsed >= FORGET_MS) this.slices.delete(key);
      }
      if (this.slices.size > 0 && now - this.lastRenew >= this.options.renewEveryMs) {
        this.lastRenew = now;
        await this.store.renew(this.leaseId, new Date(now + this.options.ttlMs));
      }
    } catch (error) {
      logger.warn("budget lease upkeep failed", describeError(error));
    } finally {
      this.ticking = false;
    }
  }

  /** What this replica holds, per budget (for tests and diagnostics), in picodollars. */
  snapshot(): { budgetId: string; granted: bigint; consumed: bigint; held: bigint }[] {
    return [...this.slices.values()].map(({ budgetId, granted, consumed, held }) => ({ budgetId, granted, consumed, held }));
  }

  private sliceFor(item: HoldItem): Slice {
    const key = `${item.budget.id}|${item.periodStart.getTime()}`;
    let slice = this.slices.get(key);
    if (!slice) {
      slice = { budgetId: item.budget.id, periodStart: item.periodStart, limitUsd: item.budget.limitUsd, granted: 0n, consumed: 0n, held: 0n, lastUsed: this.now(), dryUntil: 0, topUp: null, holds: new Set() };
      this.slices.set(key, slice);
    }
    return slice;
  }

  private commit(items: HoldItem[], slices: Slice[], now: number): LeaseHold {
    const parts: HoldPart[] = items.map((item, index) => {
      const slice = slices[index];
      const part = { slice, amount: item.amount, expiresAt: now + this.options.holdTtlMs, released: false };
      slice.held += item.amount;
      slice.lastUsed = now;
      slice.holds.add(part);
      return part;
    });
    let charges: LeasedCharge[] | null = null;
    return {
      settle: (costPicos) => {
        if (charges) return charges;
        charges = parts.map((part) => {
          const { slice } = part;
          this.release(part);
          // What the slice covers: the whole cost, unless the request cost more than its hold and the rest of the
          // slice is held by others (then the excess is spent beyond the slice, as with a per-request reservation).
          const room = available(slice);
          const drawn = costPicos < room ? costPicos : room > 0n ? room : 0n;
          slice.consumed += drawn;
          slice.lastUsed = this.now();
          return { budget_id: slice.budgetId, period_start: slice.periodStart.toISOString(), lease: this.leaseId, lease_amount: picosToDecimal(drawn) };
        });
        return charges;
      },
    };
  }

  private release(part: HoldPart): void {
    if (part.released) return;
    part.released = true;
    part.slice.held -= part.amount;
    part.slice.holds.delete(part);
  }

  private async topUp(lacking: { item: HoldItem; slice: Slice }[]): Promise<void> {
    const sorted = [...lacking].sort((a, b) => (a.slice.budgetId < b.slice.budgetId ? -1 : a.slice.budgetId > b.slice.budgetId ? 1 : 0));
    const asks: LeaseAsk[] = sorted.map(({ item, slice }) => {
      const need = (item.amount > 0n ? item.amount : 1n) - available(slice);
      const want = item.amount * BigInt(this.options.requestsPerSlice);
      return { budgetId: slice.budgetId, periodStart: slice.periodStart, want: picosToDecimal(want > need ? want : need) };
    });
    const request = this.store.lease(this.leaseId, asks, new Date(this.now() + this.options.ttlMs)).then((granted) => {
      const now = this.now();
      for (const { slice } of sorted) {
        const amount = granted.get(slice.budgetId);
        const picos = amount === undefined ? 0n : decimalToPicos(amount);
        if (picos > 0n) slice.granted += picos;
        else slice.dryUntil = now + DRY_MS;
      }
    });
    const done = request.finally(() => {
      for (const { slice } of sorted) if (slice.topUp === done) slice.topUp = null;
    });
    for (const { slice } of sorted) slice.topUp = done;
    await done;
  }

  private async giveBackQuietly(slices: Slice[]): Promise<void> {
    await this.giveBack(slices).catch((error) => logger.warn("giving back a budget slice failed (it stays with this replica and goes back later)", describeError(error)));
  }

  /** Returns the unused part of each slice to the database (taken off locally first, restored if the call fails). */
  private async giveBack(slices: Slice[]): Promise<void> {
    const parts = slices.map((slice) => ({ slice, amount: available(slice) })).filter((part) => part.amount > 0n);
    if (parts.length === 0) return;
    for (const part of parts) part.slice.granted -= part.amount;
    try {
      await this.store.giveBack(
        this.leaseId,
        parts.map((part) => ({ budgetId: part.slice.budgetId, periodStart: part.slice.periodStart, amount: picosToDecimal(part.amount) })),
      );
    } catch (error) {
      for (const part of parts) part.slice.granted += part.amount;
      throw error;
    }
  }
}
