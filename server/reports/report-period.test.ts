import { expect, test } from "vitest";
import { resolveReportPeriod } from "./report-period";

const now = new Date("2026-12-07T03:00:00Z");

test.each([
  // 03:00 UTC on the 7th is still the 6th in Los Angeles; the month is December either way.
  [{ period: "this_month" }, "America/Los_Angeles", "2026-12-01T08:00:00.000Z", "2027-01-01T08:00:00.000Z", "2026-12"],
  [{ period: "last_month" }, "America/Los_Angeles", "2026-11-01T07:00:00.000Z", "2026-12-01T08:00:00.000Z", "2026-11"],
  [{}, "UTC", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2026-12"],
  [{ month: "2026-03" }, "Europe/Berlin", "2026-02-28T23:00:00.000Z", "2026-03-31T22:00:00.000Z", "2026-03"],
  [{ from: "2026-11-01", to: "2026-11-08" }, "Europe/Berlin", "2026-10-31T23:00:00.000Z", "2026-11-07T23:00:00.000Z", "custom"],
  [{ from: "2026-11-01T00:00:00Z", to: "2026-11-02T12:00:00+02:00" }, "Europe/Berlin", "2026-11-01T00:00:00.000Z", "2026-11-02T10:00:00.000Z", "custom"],
] as const)("%o in %s", (input, zone, from, to, label) => {
  const result = resolveReportPeriod(input, zone, now);
  expect(result).toEqual({ ok: true, value: { from: new Date(from), to: new Date(to), timeZone: zone, label } });
});

test.each([
  [{ from: "2026-11-01" }, "to", "A custom period needs both from and to."],
  [{ from: "2026-11-31", to: "2026-12-01" }, "from", "from must be a date (YYYY-MM-DD) or an ISO date-time with an offset."],
  [{ from: "2026-11-02", to: "2026-11-01" }, "to", "to must be after from (to is excluded)."],
  [{ from: "2024-01-01", to: "2026-01-01" }, "to", "A report covers at most 400 days."],
  [{ period: "this_month", month: "2026-01" }, "month", "Give one of period, month, or from and to."],
] as const)("refuses %o", (input, field, message) => {
  expect(resolveReportPeriod(input, "UTC", now)).toEqual({ ok: false, field, message });
});
