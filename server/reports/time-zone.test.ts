import { expect, test } from "vitest";
import { isTimeZone, localDateOf, monthRange, parseLocalDate, startOfLocalDay } from "./time-zone";

test.each([
  // New York: EST (-5) in January and November, EDT (-4) in March after the 8th, April and October.
  ["America/New_York", { year: 2026, month: 3 }, "2026-03-01T05:00:00.000Z", "2026-04-01T04:00:00.000Z"],
  ["America/New_York", { year: 2026, month: 10 }, "2026-10-01T04:00:00.000Z", "2026-11-01T04:00:00.000Z"],
  ["America/New_York", { year: 2026, month: 11 }, "2026-11-01T04:00:00.000Z", "2026-12-01T05:00:00.000Z"],
  // London: GMT in March 1st, BST from March 29th 2026.
  ["Europe/London", { year: 2026, month: 3 }, "2026-03-01T00:00:00.000Z", "2026-03-31T23:00:00.000Z"],
  ["Asia/Kolkata", { year: 2026, month: 1 }, "2025-12-31T18:30:00.000Z", "2026-01-31T18:30:00.000Z"],
  ["UTC", { year: 2026, month: 12 }, "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
  ["Pacific/Auckland", { year: 2026, month: 4 }, "2026-03-31T11:00:00.000Z", "2026-04-30T12:00:00.000Z"],
] as const)("%s %o: [%s, %s)", (zone, month, from, to) => {
  const range = monthRange(month, zone);
  expect(range.from.toISOString()).toBe(from);
  expect(range.to.toISOString()).toBe(to);
});

test("a day that begins in a DST gap starts at the first instant that exists (America/Santiago, 2026-09-06)", () => {
  // Chile springs forward at 24:00 on Saturday 5 September 2026: Sunday begins at 01:00 local (-03).
  const start = startOfLocalDay({ year: 2026, month: 9, day: 6 }, "America/Santiago");
  expect(localDateOf(start, "America/Santiago")).toEqual({ year: 2026, month: 9, day: 6 });
  expect(localDateOf(new Date(start.getTime() - 1000), "America/Santiago")).toEqual({ year: 2026, month: 9, day: 5 });
});

test("local dates and zones are validated", () => {
  expect(parseLocalDate("2026-02-29")).toBeNull();
  expect(parseLocalDate("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
  expect(parseLocalDate("2026-1-01")).toBeNull();
  expect(isTimeZone("Europe/Paris")).toBe(true);
  expect(isTimeZone("UTC")).toBe(true);
  expect(isTimeZone("Mars/Olympus")).toBe(false);
  expect(isTimeZone("'; drop table x")).toBe(false);
});
