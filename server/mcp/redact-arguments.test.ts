import { expect, test } from "vitest";
import { redactArguments } from "./redact-arguments";

test("credential-looking keys are redacted at any depth; long strings are cut", () => {
  const redacted = redactArguments({ query: "bugs", apiKey: "sk-1", nested: { Authorization: "Bearer x", list: [{ password: "p", keep: 1 }] }, body: "x".repeat(2100) }) as Record<string, unknown>;
  expect(redacted).toMatchObject({ query: "bugs", apiKey: "[redacted]", nested: { Authorization: "[redacted]", list: [{ password: "[redacted]", keep: 1 }] } });
  expect((redacted.body as string).length).toBe(2001);
  expect(JSON.stringify(redacted)).not.toMatch(/sk-1|Bearer x/);
});
