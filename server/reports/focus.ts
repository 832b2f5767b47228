import type { ChargeRow } from "@/db/queries/usage-reports";
import { decimalToMicros, decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";

/**
 * FinOps FOCUS 1.2 rows for the usage ledger (the Cost and Usage dataset).
 * Specification: https://focus.finops.org/focus-specification/v1-2/ (source:
 * github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, specification/columns/*.md, tag v1.2).
 *
 * One row per request and token meter (input, cached input, cache write, output), so that
 * ListCost = ListUnitPrice × PricingQuantity holds exactly on every row, and the rows of a
 * request sum to its ledger cost to the picodollar. When they would not (the price row is gone,
 * or the request was unpriced), the request is one row of its recorded cost with no unit price.
 *
 * Semantics used here:
 * - BilledCost = EffectiveCost = ListCost = ContractedCost: the gateway's cost at the price in
 *   force when the request started (no negotiated rates, commitments or discounts yet).
 * - ChargePeriodStart/End: the hour the request started in (inclusive start, exclusive end, UTC
 *   "YYYY-MM-DDTHH:mm:ssZ"). BillingPeriodStart/End: the calendar month in the org's time zone.
 * - ProviderName, PublisherName, InvoiceIssuerName: the upstream provider (who sells and
 *   invoices the tokens). ServiceName: the public model name; SkuId: the upstream model;
 *   SkuPriceId: the price row; SkuMeter: the token kind.
 * - BillingAccount*: the org; SubAccount*: the team; Resource*: the virtual key.
 * - ConsumedQuantity in ConsumedUnit "Tokens"; PricingQuantity in PricingUnit "1M Tokens".
 * - Tags (JSON object, user-defined keys without prefix): team, key, cost_centre, end_user.
 * - Columns this data generator adds start with "x_", as the spec requires for custom columns.
 */
export const FOCUS_VERSION = "1.2";

export const focusColumns = [
  "AvailabilityZone",
  "BilledCost",
  "BillingAccountId",
  "BillingAccountName",
  "BillingAccountType",
  "BillingCurrency",
  "BillingPeriodEnd",
  "BillingPeriodStart",
  "CapacityReservationId",
  "CapacityReservationStatus",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargeFrequency",
  "ChargePeriodEnd",
  "ChargePeriodStart",
  "CommitmentDiscountCategory",
  "CommitmentDiscountId",
  "CommitmentDiscountName",
  "CommitmentDiscountQuantity",
  "CommitmentDiscountStatus",
  "CommitmentDiscountType",
  "CommitmentDiscountUnit",
  "ConsumedQuantity",
  "ConsumedUnit",
  "ContractedCost",
  "ContractedUnitPrice",
  "EffectiveCost",
  "InvoiceId",
  "InvoiceIssuerName",
  "ListCost",
  "ListUnitPrice",
  "PricingCategory",
  "PricingCurrency",
  "PricingCurrencyContractedUnitPrice",
  "PricingCurrencyEffectiveCost",
  "PricingCurrencyListUnitPrice",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "RegionId",
  "RegionName",
  "ResourceId",
  "ResourceName",
  "ResourceType",
  "ServiceCategory",
  "ServiceName",
  "ServiceSubcategory",
  "SkuId",
  "SkuMeter",
  "SkuPriceDetails",
  "SkuPriceId",
  "SubAccountId",
  "SubAccountName",
  "SubAccountType",
  "Tags",
  "x_FocusVersion",
  "x_EndUser",
  "x_RequestId",
] as const;
export type FocusColumn = (typeof focusColumns)[number];
export type FocusRecord = Record<FocusColumn, string | null>;

interface Meter {
  name: string;
  tokens: bigint;
  priceMicros: bigint;
  price: string;
}

/** The token meters of a request at its price, exactly as pricing.ts's costPicos charges them. */
function metersOf(row: ChargeRow): Meter[] | null {
  if (row.inputPerMtok === null || row.outputPerMtok === null) return null;
  const input = row.inputPerMtok;
  const cached = row.cachedInputPerMtok ?? input;
  const cacheWrite = row.cacheWritePerMtok ?? input;
  const cachedTokens = BigInt(row.cachedInputTokens);
  const cacheWriteTokens = BigInt(row.cacheWriteTokens);
  const plain = BigInt(Math.max(0, row.inputTokens)) - cachedTokens - cacheWriteTokens;
  const meters: Meter[] = [
    { name: "Input Tokens", tokens: plain > 0n ? plain : 0n, price: input, priceMicros: decimalToMicros(input) },
    { name: "Cached Input Tokens", tokens: cachedTokens, price: cached, priceMicros: decimalToMicros(cached) },
    { name: "Cache Write Tokens", tokens: cacheWriteTokens, price: cacheWrite, priceMicros: decimalToMicros(cacheWrite) },
    { name: "Output Tokens", tokens: BigInt(Math.max(0, row.outputTokens)), price: row.outputPerMtok, priceMicros: decimalToMicros(row.outputPerMtok) },
  ];
  return meters.filter((meter) => meter.tokens > 0n);
}

/** Tokens as millions, exactly: 1234 → "0.001234". */
function millions(tokens: bigint): string {
  const whole = tokens / 1_000_000n;
  const fraction = (tokens % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** Trims a decimal's trailing zeros ("0.000123000000" → "0.000123", "1.000000" → "1"). */
export function trimDecimal(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** One line of text: names become cells, so no line breaks inside them. */
function oneLine(value: string | null): string | null {
  return value === null ? null : value.replace(/[\r\n]+/g, " ");
}

const columnIndex = Object.fromEntries(focusColumns.map((column, index) => [column, index])) as Record<FocusColumn, number>;

/** A row as an array in focusColumns order (csv-stringify writes arrays by position; 60-key objects made the export GC-bound). */
function toValues(record: Partial<FocusRecord>): (string | null)[] {
  const values: (string | null)[] = new Array(focusColumns.length).fill(null);
  for (const column in record) values[columnIndex[column as FocusColumn]] = record[column as FocusColumn] ?? null;
  return values;
}

const costColumns = ["BilledCost", "ChargeDescription", "ConsumedQuantity", "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "ListCost", "ListUnitPrice", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity", "SkuMeter"] as const;
type CostPart = Record<(typeof costColumns)[number], string | null>;

function withCosts(base: (string | null)[], part: CostPart): (string | null)[] {
  const values = base.slice();
  for (const column of costColumns) values[columnIndex[column]] = part[column];
  return values;
}

/** The FOCUS rows of one ledger row, as arrays in focusColumns order. */
export function focusRecordsOf(row: ChargeRow): (string | null)[][] {
  const recorded = decimalToPicos(row.costUsd);
  const meters = metersOf(row);
  const metered = meters?.reduce((sum, meter) => sum + meter.tokens * meter.priceMicros, 0n);
  const model = oneLine(row.requestedModel) ?? "unknown model";
  const tags: Record<string, string> = {};
  if (row.teamName) tags.team = oneLine(row.teamName)!;
  if (row.keyName ?? row.keyPrefix) tags.key = oneLine(row.keyName ?? row.keyPrefix)!;
  if (row.costCentre) tags.cost_centre = row.costCentre;
  if (row.endUser) tags.end_user = oneLine(row.endUser)!;
  const base = toValues({
    AvailabilityZone: null,
    BillingAccountId: row.orgId,
    BillingAccountName: oneLine(row.orgName),
    BillingAccountType: "Organization",
    BillingCurrency: "USD",
    BillingPeriodEnd: row.monthEnd,
    BillingPeriodStart: row.monthStart,
    CapacityReservationId: null,
    CapacityReservationStatus: null,
    ChargeCategory: "Usage",
    ChargeClass: null,
    ChargeFrequency: "Usage-Based",
    ChargePeriodEnd: new Date(Date.parse(row.hourStart) + 3_600_000).toISOString().replace(".000Z", "Z"),
    ChargePeriodStart: row.hourStart,
    CommitmentDiscountCategory: null,
    CommitmentDiscountId: null,
    CommitmentDiscountName: null,
    CommitmentDiscountQuantity: null,
    CommitmentDiscountStatus: null,
    CommitmentDiscountType: null,
    CommitmentDiscountUnit: null,
    ConsumedUnit: "Tokens",
    InvoiceId: null,
    InvoiceIssuerName: row.provider,
    PricingCategory: "Standard",
    PricingCurrency: "USD",
    PricingUnit: "1M Tokens",
    ProviderName: row.provider,
    PublisherName: row.provider,
    RegionId: row.region,
    RegionName: row.region,
    ResourceId: row.keyId,
    ResourceName: oneLine(row.keyName ?? row.keyPrefix),
    ResourceType: row.keyId ? "Virtual Key" : null,
    ServiceCategory: "AI and Machine Learning",
    ServiceName: model,
    ServiceSubcategory: "Generative AI",
    SkuId: oneLine(row.servedModel ?? row.requestedModel),
    SkuPriceDetails: null,
    SkuPriceId: row.priceId,
    SubAccountId: row.teamId,
    SubAccountName: oneLine(row.teamName),
    SubAccountType: row.teamId ? "Team" : null,
    Tags: Object.keys(tags).length > 0 ? JSON.stringify(tags) : null,
    x_FocusVersion: FOCUS_VERSION,
    x_EndUser: oneLine(row.endUser),
    x_RequestId: row.id,
  });
  if (!meters || meters.length === 0 || metered !== recorded) {
    const cost = trimDecimal(row.costUsd);
    const tokens = String(row.inputTokens + row.outputTokens);
    return [
      withCosts(base, {
        BilledCost: cost,
        ChargeDescription: `${tokens} tokens of ${model}, at the cost recorded when the request was made`,
        ConsumedQuantity: tokens,
        ContractedCost: cost,
        ContractedUnitPrice: null,
        EffectiveCost: cost,
        ListCost: cost,
        ListUnitPrice: null,
        PricingCurrencyContractedUnitPrice: null,
        PricingCurrencyEffectiveCost: cost,
        PricingCurrencyListUnitPrice: null,
        PricingQuantity: null,
        SkuMeter: "Tokens",
      }),
    ];
  }
  return meters.map((meter) => {
    const cost = trimDecimal(picosToDecimal(meter.tokens * meter.priceMicros));
    const price = trimDecimal(meter.price);
    return withCosts(base, {
      BilledCost: cost,
      ChargeDescription: `${meter.tokens} ${meter.name.toLowerCase()} of ${model} at $${price} per 1M tokens`,
      ConsumedQuantity: meter.tokens.toString(),
      ContractedCost: cost,
      ContractedUnitPrice: price,
      EffectiveCost: cost,
      ListCost: cost,
      ListUnitPrice: price,
      PricingCurrencyContractedUnitPrice: price,
      PricingCurrencyEffectiveCost: cost,
      PricingCurrencyListUnitPrice: price,
      PricingQuantity: millions(meter.tokens),
      SkuMeter: meter.name,
    });
  });
}
