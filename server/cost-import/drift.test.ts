import { expect, test } from "vitest";
import type { CostImportRow } from "@/db/queries/provider-costs";
import { computeDrift, exceeds } from "./drift";

const imported = (provider: string, day: string, amountUsd: string): CostImportRow => ({ id: day, orgId: "o", provider, day, amountUsd, currency: "USD", source: "test", lineItems: 1, importedAt: new Date(0) });

test("the threshold is compared in integers, strictly above", () => {
  expect(exceeds(5n, 100n, "5.00")).toBe(false);
  expect(exceeds(6n, 100n, "5.00")).toBe(true);
  expect(exceeds(-6n, 100n, "5")).toBe(true);
  expect(exceeds(501n, 10_000n, "5.01")).toBe(false);
  expect(exceeds(502n, 10_000n, "5.01")).toBe(true);
  expect(exceeds(1n, 0n, "5.00")).toBe(true);
  expect(exceeds(0n, 0n, "5.00")).toBe(false);
});

test("days without a figure are shown but not compared; the month compares the imported days only", () => {
  const drift = computeDrift({
    fromDay: "2026-11-01",
    toDay: "2026-11-04",
    gateway: [
      { provider: "openai", day: "2026-11-01", costUsd: "10.000000000001" },
      { provider: "openai", day: "2026-11-02", costUsd: "20.000000000000" },
      { provider: "openai", day: "2026-11-03", costUsd: "7.000000000000" },
    ],
    imports: [imported("openai", "2026-11-01", "10.5"), imported("openai", "2026-11-02", "19.999999999999")],
    providers: [],
    thresholdPercent: "5.00",
  });
  expect(drift).toHaveLength(1);
  const [openai] = drift;
  expect(openai.days.map((day) => [day.day, day.varianceUsd, day.variancePercent, day.exceedsThreshold])).toEqual([
    ["2026-11-01", "0.499999999999", "5.00", false],
    ["2026-11-02", "-0.000000000001", "0.00", false],
    ["2026-11-03", null, null, false],
  ]);
  expect(openai.month).toMatchObject({ gatewayCostUsd: "30.000000000001", providerCostUsd: "30.499999999999", varianceUsd: "0.499999999998", daysCompared: 2, gatewayCostAllDaysUsd: "37.000000000001" });
});
