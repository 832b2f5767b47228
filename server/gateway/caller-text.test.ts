import { describe, expect, test } from "vitest";
import { countCharacters, truncateCallerText } from "./caller-text";

describe("truncateCallerText", () => {
  test.each([
    ["short", 64, "short"],
    ["x".repeat(64), 64, "x".repeat(64)],
    ["x".repeat(65), 64, `${"x".repeat(64)}…`],
    ["abcdef", 3, "abc…"],
    ["😀😀😀😀", 3, "😀😀😀…"],
    ["😀😀😀", 3, "😀😀😀"],
    ["a😀b", 2, "a😀…"],
  ])("%j at %i → %j", (text, max, expected) => {
    expect(truncateCallerText(text, max)).toBe(expected);
  });

  test("a megabyte name costs 64 characters", () => {
    expect(truncateCallerText("m".repeat(1024 * 1024))).toHaveLength(65);
  });
});

describe("countCharacters", () => {
  test.each([
    ["", 0],
    ["abc", 3],
    ["😀".repeat(512), 512],
    ["a😀b", 3],
    ["\ud800", 1],
  ])("%j → %i", (text, expected) => {
    expect(countCharacters(text)).toBe(expected);
  });
});
