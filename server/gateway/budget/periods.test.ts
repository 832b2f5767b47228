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

describe("budget periods in the org's time zone", () => {
  it("starts a New York month at local midnight, across the DST change", () => {
    // 2026-11-01 05:00 UTC is still October 31 in New York (EDT, UTC−4 until 06:00 UTC that day).
    expect(periodStart("monthly", new Date("2026-11-01T03:00:00Z"), "America/New_York").toISOString()).toBe("2026-10-01T04:00:00.000Z");
    expect(periodStart("monthly", new Date("2026-11-15T12:00:00Z"), "America/New_York").toISOString()).toBe("2026-11-01T04:00:00.000Z");
    // December starts in EST (UTC−5).
    expect(periodEnd("monthly", new Date("2026-11-01T04:00:00Z"), "America/New_York")?.toISOString()).toBe("2026-12-01T05:00:00.000Z");
  });
  it("aligns days and Monday weeks to the zone", () => {
    // 2026-12-09 23:30 UTC is Thursday 2026-12-10 in Tokyo (UTC+9).
    expect(periodStart("daily", new Date("2026-12-09T23:30:00Z"), "Asia/Tokyo").toISOString()).toBe("2026-12-09T15:00:00.000Z");
    expect(periodStart("weekly", new Date("2026-12-09T23:30:00Z"), "Asia/Tokyo").toISOString()).toBe("2026-12-06T15:00:00.000Z");
    expect(periodEnd("weekly", new Date("2026-12-06T15:00:00Z"), "Asia/Tokyo")?.toISOString()).toBe("2026-12-13T15:00:00.000Z");
  });
  it("answers the same start from its cache until the period ends, then the next", () => {
    const first = periodStart("daily", new Date("2026-12-09T10:00:00Z"), "Europe/Paris");
    expect(periodStart("daily", new Date("2026-12-09T22:59:59Z"), "Europe/Paris")).toBe(first);
    expect(periodStart("daily", new Date("2026-12-09T23:00:00Z"), "Europe/Paris").toISOString()).toBe("2026-12-09T23:00:00.000Z");
    // An earlier instant (another caller's clock) is not served from the cache.
    expect(periodStart("daily", new Date("2026-12-08T12:00:00Z"), "Europe/Paris").toISOString()).toBe("2026-12-07T23:00:00.000Z");
  });
});
