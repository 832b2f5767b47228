import { describe, expect, test } from "vitest";
import { exposeToolName, splitExposedName } from "./tool-names";

describe("exposeToolName", () => {
  test.each([
    ["github", "search_issues", { ok: true, name: "github__search_issues" }],
    ["db", "run-query", { ok: true, name: "db__run-query" }],
    ["fs", "read file", { ok: false, reason: "the tool name has characters outside A-Z a-z 0-9 _ -" }],
    ["fs", "read.file", { ok: false, reason: "the tool name has characters outside A-Z a-z 0-9 _ -" }],
    ["fs", "", { ok: false, reason: "the upstream tool has an empty name" }],
    ["fs", "naïve", { ok: false, reason: "the tool name has characters outside A-Z a-z 0-9 _ -" }],
  ])("%s / %s", (slug, tool, expected) => {
    expect(exposeToolName(slug, tool)).toEqual(expected);
  });

  test("at most 64 characters", () => {
    expect(exposeToolName("a", "x".repeat(61))).toEqual({ ok: true, name: `a__${"x".repeat(61)}` });
    const tooLong = exposeToolName("a", "x".repeat(62));
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.reason).toMatch(/65 characters; exposed names hold at most 64/);
  });
});

test("splitExposedName splits at the first double underscore (slugs have none)", () => {
  expect(splitExposedName("github__search__issues")).toEqual({ slug: "github", tool: "search__issues" });
  expect(splitExposedName("__x")).toBeUndefined();
  expect(splitExposedName("github__")).toBeUndefined();
  expect(splitExposedName("plain")).toBeUndefined();
});
