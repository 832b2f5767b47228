import { describe, expect, test } from "vitest";
import { checkOutboundUrl, isBlockedAddress, parseAllowList } from "./ssrf";

const none = parseAllowList("");
const fakeDns = (table: Record<string, string[]>) => async (host: string) => table[host] ?? [];

describe("checkOutboundUrl", () => {
  test.each([
    ["http://127.0.0.1:8080/v1", false],
    ["http://localhost/v1", false],
    ["http://10.1.2.3/v1", false],
    ["http://172.20.0.1/v1", false],
    ["http://192.168.1.1/v1", false],
    ["http://169.254.169.254/latest", false],
    ["http://[::1]/v1", false],
    ["http://[::ffff:127.0.0.1]/v1", false],
    ["http://[fd00::1]/v1", false],
    ["http://metadata.google.internal/", false],
    ["http://rebind.example/v1", false],
    ["https://api.openai.com/v1", true],
    ["ftp://api.openai.com/v1", false],
    ["https://user:pass@api.openai.com/v1", false],
  ])("%s → allowed %s", async (url, allowed) => {
    const dns = fakeDns({ localhost: ["127.0.0.1"], "rebind.example": ["93.184.216.34", "10.0.0.1"], "api.openai.com": ["104.18.6.192"] });
    const result = await checkOutboundUrl(url, none, dns);
    expect(result.ok).toBe(allowed);
  });

  test("operator allow-list by host, CIDR and wildcard", async () => {
    const dns = fakeDns({ localhost: ["127.0.0.1"], "llm.internal": ["10.9.8.7"] });
    expect((await checkOutboundUrl("http://localhost:11434", parseAllowList("localhost"), dns)).ok).toBe(true);
    expect((await checkOutboundUrl("http://llm.internal/v1", parseAllowList("10.0.0.0/8"), dns)).ok).toBe(true);
    expect((await checkOutboundUrl("http://llm.internal/v1", parseAllowList("192.168.0.0/16"), dns)).ok).toBe(false);
    expect((await checkOutboundUrl("http://169.254.169.254/", parseAllowList("*"), dns)).ok).toBe(true);
  });

  test("blocked address table", () => {
    expect(isBlockedAddress("8.8.8.8")).toBe(false);
    expect(isBlockedAddress("100.64.1.1")).toBe(true);
    expect(isBlockedAddress("2606:4700::1111")).toBe(false);
    expect(isBlockedAddress("fe80::1")).toBe(true);
  });
});
