import { describe, expect, test } from "vitest";
import { builtInDetectors, passesIbanChecksum, passesLuhn } from "./detectors";

const found = (name: keyof typeof builtInDetectors, text: string) => builtInDetectors[name].find(text).map(([start, end]) => text.slice(start, end));

/** A deterministic digit source (no Math.random: the test must say the same thing every run). */
function* digits(seed: number): Generator<string> {
  let state = seed;
  for (;;) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield String(state % 10);
  }
}

describe("payment cards (Luhn)", () => {
  test.each([
    ["Visa", "4111 1111 1111 1111"],
    ["Visa, no separators", "4242424242424242"],
    ["Mastercard, dashes", "5555-5555-5555-4444"],
    ["Amex", "3782 822463 10005"],
  ])("%s is found", (_name, card) => {
    expect(found("payment_card", `pay with ${card} today`)).toEqual([card]);
  });

  test.each([
    ["Luhn fails", "4111 1111 1111 1112"],
    ["too short", "4111 1111 111"],
    ["inside a longer number", "94111111111111111119"],
    ["no card network prefix, Luhn valid", "0000 0000 0000 0000"],
  ])("%s: nothing", (_name, text) => {
    expect(found("payment_card", text)).toEqual([]);
  });

  test("random 16-digit numbers that fail Luhn are never cards, and order ids or timestamps are not either", () => {
    const source = digits(42);
    let checked = 0;
    for (let index = 0; index < 2000; index++) {
      const number = Array.from({ length: 16 }, () => source.next().value).join("");
      if (passesLuhn(number)) continue;
      checked++;
      expect(found("payment_card", `order ${number}`)).toEqual([]);
    }
    expect(checked).toBeGreaterThan(1500);
    expect(found("payment_card", "at 1733568000123 (ms) order 2026120712345678901234")).toEqual([]);
  });

  test("passesLuhn", () => {
    expect(passesLuhn("79927398713")).toBe(true);
    expect(passesLuhn("79927398710")).toBe(false);
  });
});

describe("IBAN (mod 97)", () => {
  test.each([["DE89 3704 0044 0532 0130 00"], ["GB82WEST12345698765432"], ["FR1420041010050500013M02606"]])("%s is found", (iban) => {
    expect(found("iban", `transfer to ${iban}, thanks`)).toEqual([iban]);
    expect(passesIbanChecksum(iban)).toBe(true);
  });

  test.each([["DE89 3704 0044 0532 0130 01"], ["GB82WEST12345698765433"]])("%s (checksum wrong): nothing", (iban) => {
    expect(found("iban", iban)).toEqual([]);
    expect(passesIbanChecksum(iban)).toBe(false);
  });
});

describe("email, phone, US SSN", () => {
  test("pathological inputs complete (bounded patterns, no catastrophic backtracking)", () => {
    const inputs = ["a@".repeat(50_000), `${"a.".repeat(50_000)}@`, `x@${"a-".repeat(50_000)}`, `${"1 ".repeat(50_000)}`, `DE${"0 ".repeat(50_000)}`];
    for (const text of inputs) for (const detector of Object.values(builtInDetectors)) expect(Array.isArray(detector.find(text))).toBe(true);
  });

  test("email", () => {
    expect(found("email", "write to jane.doe+test@example.co.uk or ops@corp.io")).toEqual(["jane.doe+test@example.co.uk", "ops@corp.io"]);
    expect(found("email", "an @ sign alone, or user@localhost")).toEqual([]);
  });

  test("phone: grouped or E.164, never a bare run of digits", () => {
    expect(found("phone", "call +14155552671 or (415) 555-2671 or +44 20 7946 0958")).toEqual(["+14155552671", "(415) 555-2671", "+44 20 7946 0958"]);
    expect(found("phone", "id 4155552671 and 20261207")).toEqual([]);
  });

  test("US SSN: dashed, never-issued areas excluded", () => {
    expect(found("us_ssn", "SSN 123-45-6789.")).toEqual(["123-45-6789"]);
    expect(found("us_ssn", "000-12-3456 666-12-3456 900-12-3456 123-00-4567 123456789")).toEqual([]);
  });
});
