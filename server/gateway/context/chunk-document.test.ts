import { describe, expect, test } from "vitest";
import { chunkRanges, readDocumentMessage } from "./chunk-document";
import { tokenCodecFor } from "./count-prompt";

describe("chunkRanges", () => {
  test.each([
    [10, 4, 1, [[0, 4], [3, 7], [6, 10]]],
    [10, 5, 0, [[0, 5], [5, 10]]],
    [3, 5, 2, [[0, 3]]],
    [0, 5, 2, [[0, 0]]],
    // An overlap of half the size or more is capped so every part moves forward.
    [10, 4, 9, [[0, 4], [3, 7], [6, 10]]],
  ] as const)("%i tokens in parts of %i overlapping %i", (length, size, overlap, expected) => {
    expect(chunkRanges(length, size, overlap)).toEqual(expected);
  });

  test("parts cover every token, none is longer than the size, and each repeats the overlap", () => {
    const ranges = chunkRanges(10_000, 700, 100);
    expect(ranges[0][0]).toBe(0);
    expect(ranges.at(-1)![1]).toBe(10_000);
    for (const [start, end] of ranges) expect(end - start).toBeLessThanOrEqual(700);
    for (let index = 1; index < ranges.length; index++) expect(ranges[index - 1][1] - ranges[index][0]).toBe(100);
  });

  test("cut on token boundaries, the parts decode back to the document (overlaps removed)", async () => {
    const codec = await tokenCodecFor("o200k_base");
    const document = Array.from({ length: 400 }, (_, index) => `Clause ${index}: the tenant pays €${index * 3} by day ${index % 28}.`).join("\n");
    const tokens = codec.encode(document);
    const ranges = chunkRanges(tokens.length, 500, 50);
    const rebuilt = ranges.map(([start, end], index) => codec.decode(tokens.slice(index === 0 ? start : start + 50, end))).join("");
    expect(rebuilt).toBe(document);
    for (const [start, end] of ranges) expect(codec.encode(codec.decode(tokens.slice(start, end))).length).toBeLessThanOrEqual(500 + 2);
  });
});

describe("readDocumentMessage", () => {
  test.each([
    ["one string: the first paragraph is the instruction", { role: "user", content: "Summarize this.\n\nLine one.\nLine two." }, { instruction: "Summarize this.", document: "Line one.\nLine two." }],
    ["text parts: the longest is the document", { role: "user", content: [{ type: "text", text: "Find dates." }, { type: "text", text: "A long document body." }, { type: "text", text: "Be brief." }] }, { instruction: "Find dates.\n\nBe brief.", document: "A long document body." }],
    ["no blank line: no document", { role: "user", content: "just one paragraph" }, undefined],
    ["an assistant message: no document", { role: "assistant", content: "a\n\nb" }, undefined],
  ] as const)("%s", (_, message, expected) => {
    expect(readDocumentMessage(message as never)).toEqual(expected);
  });
});
