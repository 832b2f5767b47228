import { describe, expect, test } from "vitest";
import { isJsonContentType } from "./content-type";

describe("isJsonContentType", () => {
  test.each([
    [undefined, true],
    ["", true],
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["application/json;charset=UTF-8", true],
    ["Application/JSON", true],
    [" application/json ; charset=utf-8", true],
    ["application/vnd.api+json", true],
    ["application/merge-patch+json; charset=utf-8", true],
    ["text/plain", false],
    ["text/plain;charset=UTF-8", false],
    ["text/json", false],
    ["application/x-www-form-urlencoded", false],
    ["multipart/form-data; boundary=----x", false],
    ["application/octet-stream", false],
    ["application/jsonl", false],
    ["application/json-seq", false],
    ["application/xml", false],
    ["json", false],
  ])("%j → %s", (contentType, expected) => {
    expect(isJsonContentType(contentType)).toBe(expected);
  });
});
