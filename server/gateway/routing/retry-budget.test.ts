import { expect, test } from "vitest";
import { MIN_RETRIES_PER_WINDOW, RetryBudget } from "./retry-budget";

test("retries stay within ratio × requests + the minimum over the window, and come back as the window slides", () => {
  const budget = new RetryBudget(0.2, 10_000);
  for (let index = 0; index < 100; index++) budget.recordRequest(1000);
  let granted = 0;
  while (budget.tryRetry(1000)) granted++;
  expect(granted).toBe(20 + MIN_RETRIES_PER_WINDOW);
  // Half the window later the old requests and retries still count.
  expect(budget.tryRetry(6000)).toBe(false);
  // A whole window later both are forgotten: only the minimum is left for a quiet group.
  let later = 0;
  while (budget.tryRetry(12_000)) later++;
  expect(later).toBe(MIN_RETRIES_PER_WINDOW);
});

test("a ratio of 0 allows the minimum only", () => {
  const budget = new RetryBudget(0, 60_000);
  for (let index = 0; index < 1000; index++) budget.recordRequest(0);
  let granted = 0;
  while (budget.tryRetry(0)) granted++;
  expect(granted).toBe(MIN_RETRIES_PER_WINDOW);
});
