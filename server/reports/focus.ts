import type { ChargeRow } from "@/db/queries/usage-reports";
import { decimalToMicros, decimalToPicos, discountedPicos, meterRate, picosToDecimal, tokenMeters, type PriceRates } from "@/server/gateway/pricing";

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
 * - ListUnitPrice / ListCost: the catalog price in force when the request started (model_prices).
 * - ContractedUnitPrice / ContractedCost: the org's own price for the model (org_model_prices, a negotiated rate;
 *   the list price when it has none), so ContractedUnitPrice × PricingQuantity = ContractedCost exactly.
 * - BilledCost = EffectiveCost: the contracted cost less the org's discount on the provider (provider_discounts),
 *   rounded half up to the picodollar per meter: what the ledger's cost_usd charged. Discounts are not a commitment
 *   discount, so the CommitmentDiscount* columns stay null.
 * - ChargePeriodStart/End: the hour the request started in (inclusive start, exclusive end, UTC
 *   "YYYY-MM-DDTHH:mm:ssZ"). BillingPeriodStart/End: the calendar month in the org's time zone.
 * - ProviderName, PublisherName, InvoiceIssuerName: the upstream provider (who sells and
 *   invoices the tokens). ServiceName: the public model name; SkuId: the upstream model;
 *   SkuPriceId: the price row; SkuMeter: the token kind.
 * - BillingAccount*: the org; SubAccount*: the team; Resource*: the virtual key.
 * - ConsumedQuantity in ConsumedUnit "Tokens"; PricingQuantity in PricingUnit "1M Tokens".
 * - Tags (JSON object, user-defined keys without prefix): team, key, cost_centre, end_user.
 * - Columns this data generator adds start with "x_", as the spec requires for custom columns.
 * - A row recorded for a closed month after its close is exported in the first open month after it as a
 *   correction: ChargeClass "Correction" (the spec's value for a charge correcting a previous billing period),
 *   BillingPeriodStart/End the open month, ChargePeriodStart/End still the hour it happened, x_AdjustmentFor the
 *   closed month (YYYY-MM).
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
  "x_AdjustmentFor",
  // Last: the console's download progress counts requests by this cell (export-progress.ts).
  "x_RequestId",
] as const;
export type FocusColumn = (typeof focusColumns)[number];
export type FocusRecord = Record<FocusColumn, string | null>;

interface Meter {
  name: string;
  tokens: bigint;
  listPrice: string;
  contractedPrice: string;
  listPicos: bigint;
  contractedPicos: bigint;
  effectivePicos: bigint;
}

/** The token meters of a request at its prices, exactly as pricing.ts's chargeOf charges them. */
function metersOf(row: ChargeRow): Meter[] | null {
  const list: PriceRates | null =
    row.inputPerMtok !== null && row.outputPerMtok !== null
      ? { inputPerMtok: row.inputPerMtok, outputPerMtok: row.outputPerMtok, cachedInputPerMtok: row.cachedInputPerMtok, cacheWritePerMtok: row.cacheWritePerMtok, cacheWrite1hPerMtok: row.cacheWrite1hPerMtok }
      : null;
  const org: PriceRates | null =
    row.orgInputPerMtok !== null && row.orgOutputPerMtok !== null
      ? { inputPerMtok: row.orgInputPerMtok, outputPerMtok: row.orgOutputPerMtok, cachedInputPerMtok: row.orgCachedInputPerMtok, cacheWritePerMtok: row.orgCacheWritePerMtok, cacheWrite1hPerMtok: row.orgCacheWrite1hPerMtok }
      : null;
  const contracted = org ?? list;
  if (!contracted) return null;
  const listed = list ?? contracted;
  const usage = { inputTokens: row.inputTokens, outputTokens: row.outputTokens, cachedInputTokens: row.cachedInputTokens, cacheWriteTokens: row.cacheWriteTokens, cacheWrite1hTokens: row.cacheWrite1hTokens };
  return tokenMeters(usage)
    .filter((meter) => meter.tokens > 0n)
    .map((meter) => {
      const listPrice = meterRate(meter.name, listed);
      const contractedPrice = meterRate(meter.name, contracted);
      const contractedPicos = meter.tokens * decimalToMicros(contractedPrice);
      return {
        name: meter.name,
        tokens: meter.tokens,
        listPrice,
        contractedPrice,
        listPicos: meter.tokens * decimalToMicros(listPrice),
        contractedPicos,
        effectivePicos: discountedPicos(contractedPicos, row.discountPercent),
      };
    });
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

/** Where a late row of a closed month is billed: the open month's billing period (ISO instants, "…Z"). */
export interface FocusCorrection {
  adjustmentFor: string;
  billingPeriodStart: string;
  billingPeriodEnd: string;
}

/** The FOCUS rows of one ledger row, as arrays in focusColumns order. */
export function focusRecordsOf(row: ChargeRow, correction?: FocusCorrection): (string | null)[][] {
  const recorded = decimalToPicos(row.costUsd);
  const recordedList = decimalToPicos(row.listCostUsd);
  const meters = metersOf(row);
  const metered = meters?.reduce((sum, meter) => sum + meter.effectivePicos, 0n);
  const meteredList = meters?.reduce((sum, meter) => sum + meter.listPicos, 0n);
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
    BillingPeriodEnd: correction?.billingPeriodEnd ?? row.monthEnd,
    BillingPeriodStart: correction?.billingPeriodStart ?? row.monthStart,
    CapacityReservationId: null,
    CapacityReservationStatus: null,
    ChargeCategory: "Usage",
    ChargeClass: correction ? "Correction" : null,
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
    SkuPriceId: row.orgPriceId ?? row.priceId,
    SubAccountId: row.teamId,
    SubAccountName: oneLine(row.teamName),
    SubAccountType: row.teamId ? "Team" : null,
    Tags: Object.keys(tags).length > 0 ? JSON.stringify(tags) : null,
    x_FocusVersion: FOCUS_VERSION,
    x_EndUser: oneLine(row.endUser),
    x_AdjustmentFor: correction?.adjustmentFor ?? null,
    x_RequestId: row.id,
  });
  // Rows recorded before list costs existed carry list_cost_usd 0 with a cost (migration 0013 backfills them).
  if (!meters || meters.length === 0 || metered !== recorded || meteredList !== recordedList) {
    const cost = trimDecimal(row.costUsd);
    const listCost = trimDecimal(row.listCostUsd);
    const tokens = String(row.inputTokens + row.outputTokens);
    return [
      withCosts(base, {
        BilledCost: cost,
        ChargeDescription: `${tokens} tokens of ${model}, at the cost recorded when the request was made`,
        ConsumedQuantity: tokens,
        ContractedCost: cost,
        ContractedUnitPrice: null,
        EffectiveCost: cost,
        ListCost: listCost,
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
    const cost = trimDecimal(picosToDecimal(meter.effectivePicos));
    const contractedCost = trimDecimal(picosToDecimal(meter.contractedPicos));
    const listPrice = trimDecimal(meter.listPrice);
    const contractedPrice = trimDecimal(meter.contractedPrice);
    const discount = row.discountPercent === null ? "" : `, less ${trimDecimal(row.discountPercent)} %`;
    return withCosts(base, {
      BilledCost: cost,
      ChargeDescription: `${meter.tokens} ${meter.name.toLowerCase()} of ${model} at $${contractedPrice} per 1M tokens${discount}`,
      ConsumedQuantity: meter.tokens.toString(),
      ContractedCost: contractedCost,
      ContractedUnitPrice: contractedPrice,
      EffectiveCost: cost,
      ListCost: trimDecimal(picosToDecimal(meter.listPicos)),
      ListUnitPrice: listPrice,
      PricingCurrencyContractedUnitPrice: contractedPrice,
      PricingCurrencyEffectiveCost: cost,
      PricingCurrencyListUnitPrice: listPrice,
      PricingQuantity: millions(meter.tokens),
      SkuMeter: meter.name,
    });
  });
}
