import type { DetectorName } from "./rule-definition";

/** A [start, end) range of one match in a text. */
export type Span = readonly [number, number];

export interface Detector {
  readonly name: string;
  /** Every validated match in the text, in order (for redaction). */
  find(text: string): Span[];
  /** Whether the text holds at least one match (cheaper than find: stops at the first, or runs RE2's DFA). */
  test(text: string): boolean;
}

/**
 * Candidates from a bounded JavaScript regex (fixed-width quantifiers only, so matching stays linear), kept when
 * `isValid` accepts the match.
 */
function boundedDetector(name: string, pattern: RegExp, isValid: (match: string) => boolean = () => true): Detector {
  return {
    name,
    find(text) {
      const spans: Span[] = [];
      for (const match of text.matchAll(pattern)) if (isValid(match[0])) spans.push([match.index, match.index + match[0].length]);
      return spans;
    },
    test(text) {
      for (const match of text.matchAll(pattern)) if (isValid(match[0])) return true;
      return false;
    },
  };
}

/** Luhn (mod 10) over the digits of a card number. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the major card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
const cardPrefix = /^(4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|64[4-9]|65|62|5[06-8]|6[37])/;

function isPaymentCard(match: string): boolean {
  const digits = match.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && cardPrefix.test(digits) && passesLuhn(digits);
}

/** ISO 13616 check: the rearranged number, letters as 10..35, is 1 modulo 97. */
export function passesIbanChecksum(iban: string): boolean {
  const value = iban.replace(/ /g, "").toUpperCase();
  if (value.length < 15 || value.length > 34) return false;
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const number = code >= 65 ? code - 55 : code - 48;
    remainder = number >= 10 ? (remainder * 100 + number) % 97 : (remainder * 10 + number) % 97;
  }
  return remainder === 1;
}

// Bounded repetition only (local part ≤ 64, labels ≤ 63, ≤ 8 labels), and only texts holding an "@" are scanned.
const emailDetector = boundedDetector("email", /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g);
const email: Detector = {
  name: "email",
  find: (text) => (text.includes("@") ? emailDetector.find(text) : []),
  test: (text) => text.includes("@") && emailDetector.test(text),
};

export const builtInDetectors: Readonly<Record<DetectorName, Detector>> = {
  email,
  // E.164 (+ and 8 to 15 digits) or a grouped number with separators: a bare run of digits is not a phone number.
  phone: boundedDetector("phone", /(?<![\w+])(?:\+\d{8,15}|(?:\+\d{1,3}[ .-])?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{3,4})(?![\w-])/g),
  payment_card: boundedDetector("payment_card", /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g, isPaymentCard),
  iban: boundedDetector("iban", /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g, passesIbanChecksum),
  // Dashed form only, without the never-issued areas 000, 666 and 9xx, group 00 or serial 0000.
  us_ssn: boundedDetector("us_ssn", /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g),
};
