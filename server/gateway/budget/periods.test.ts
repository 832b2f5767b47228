import { describe, expect, it } from "vitest";
import { periodEnd, periodStart } from "./periods";

describe("budget periods (UTC calendar)", () => {
  const at = new Date("2026-12-09T23:59:59.999Z"); // a Wednesday
  it("aligns daily, weekly (Monday), monthly and lifetime", () => {
    expect(periodStart("daily", at).toISOString()).toBe("2026-12-09T00:00:00.000Z");
    expect(periodStart("weekly", at).toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(periodStart("weekly", new Date("2026-12-07T00:00:00Z")).toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(periodStart("weekly", new Date("2026-12-06T23:00:00Z")).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(periodStart("monthly", at).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(periodStart("lifetime", at).getTime()).toBe(0);
  });
  it("ends each period where the next begins, across a year end", () => {
    const december = periodStart("monthly", at);
    expect(periodEnd("monthly", december)?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(periodEnd("daily", new Date("2026-12-31T00:00:00Z"))?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(periodEnd("weekly", new Date("2026-12-28T00:00:00Z"))?.toISOString()).toBe("2027-01-04T00:00:00.000Z");
    expect(periodEnd("lifetime", new Date(0))).toBeNull();
  });
});
