import { expect, test } from "vitest";
import { parseTraceparent } from "./traceparent";

const valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

test.each([
  [valid, { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7", sampled: true }],
  ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7", sampled: false }],
  // A later version may append fields.
  ["01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7", sampled: true }],
])("parses %s", (header, expected) => {
  expect(parseTraceparent(header)).toEqual(expected);
});

test.each([
  undefined,
  "",
  "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
  "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
  "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
  `${valid}-extra`,
  "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
])("refuses %s", (header) => {
  expect(parseTraceparent(header)).toBeUndefined();
});
