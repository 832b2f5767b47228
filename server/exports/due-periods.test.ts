import { expect, test } from "vitest";
import { lastEndedMonth, nextAttemptAfter } from "./due-periods";

test.each([
  ["UTC", "2026-12-01T00:00:00Z", "2026-11"],
  ["UTC", "2026-11-30T23:59:59Z", "2026-10"],
  // New York's December starts at 05:00 UTC: until then November is still running there.
  ["America/New_York", "2026-12-01T04:59:59Z", "2026-10"],
  ["America/New_York", "2026-12-01T05:00:00Z", "2026-11"],
  // Tokyo's January starts 9 hours before UTC's.
  ["Asia/Tokyo", "2026-12-31T15:00:00Z", "2026-12"],
  ["Asia/Tokyo", "2026-12-31T14:59:59Z", "2026-11"],
])("in %s at %s the last ended month is %s", (timeZone, at, month) => {
  expect(lastEndedMonth(timeZone, new Date(at))).toBe(month);
});

test("retries back off, and stop after the last wait", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  expect(nextAttemptAfter(1, now, [1000, 5000])).toEqual(new Date("2026-12-01T00:00:01Z"));
  expect(nextAttemptAfter(2, now, [1000, 5000])).toEqual(new Date("2026-12-01T00:00:05Z"));
  expect(nextAttemptAfter(3, now, [1000, 5000])).toBeNull();
  expect(nextAttemptAfter(5, now)).toBeNull();
});
