import { describe, expect, test } from "vitest";
import { resolveCacheSettings, type CacheMode, type GroupCacheSetting, type OrgCacheDefault } from "./cache-settings";

const org = (mode: CacheMode): OrgCacheDefault => ({ mode, ttlSeconds: 600, semanticModel: "embed-small", semanticThreshold: "0.950" });

describe("response cache precedence: a group's off wins; key > group > org; never wider than a level that narrowed it", () => {
  const cases: [string, CacheMode | null, GroupCacheSetting | undefined, CacheMode, "off" | "org" | "key"][] = [
    ["no group: the key's own mode", "key", undefined, "org", "key"],
    ["no group, no key mode: the org's", null, undefined, "org", "org"],
    ["group inherit: as without a group", null, { mode: "inherit" }, "key", "key"],
    ["group inherit, key off", "off", { mode: "inherit" }, "org", "off"],
    ["group org turns it on where the org is off", null, { mode: "org" }, "off", "org"],
    ["group key narrows the org's sharing", null, { mode: "key" }, "org", "key"],
    ["group off wins over the key's org", "org", { mode: "off" }, "org", "off"],
    ["group off wins over the key's key", "key", { mode: "off" }, "key", "off"],
    ["key off wins over the group's org", "off", { mode: "org" }, "org", "off"],
    ["key key under a group org: per key", "key", { mode: "org" }, "off", "key"],
    ["key org under a group key: per key (never wider)", "org", { mode: "key" }, "org", "key"],
    ["key org under a group org", "org", { mode: "org" }, "off", "org"],
  ];
  test.each(cases)("%s", (_name, keyMode, group, orgMode, expected) => {
    const settings = resolveCacheSettings(keyMode, org(orgMode), group);
    expect(settings?.scope ?? "off").toBe(expected);
  });
});

describe("TTL and semantic settings", () => {
  test("the group's TTL where it sets a mode and one, else the org's", () => {
    expect(resolveCacheSettings(null, org("org"), { mode: "org", ttl_seconds: 120 })?.ttlSeconds).toBe(120);
    expect(resolveCacheSettings(null, org("org"), { mode: "org" })?.ttlSeconds).toBe(600);
    expect(resolveCacheSettings(null, org("org"), { mode: "inherit", ttl_seconds: 120 })?.ttlSeconds).toBe(600);
    expect(resolveCacheSettings(null, undefined, { mode: "key" })?.ttlSeconds).toBe(3600);
  });

  test("semantic: absent is the org's, null is none, an object is the group's", () => {
    expect(resolveCacheSettings(null, org("org"), { mode: "org" })?.semantic).toEqual({ model: "embed-small", threshold: 0.95 });
    expect(resolveCacheSettings(null, org("org"), { mode: "org", semantic: null })?.semantic).toBeUndefined();
    expect(resolveCacheSettings(null, org("org"), { mode: "org", semantic: { model: "embed-large", threshold: 0.9 } })?.semantic).toEqual({ model: "embed-large", threshold: 0.9 });
    expect(resolveCacheSettings(null, org("org"), { mode: "inherit", semantic: null })?.semantic).toEqual({ model: "embed-small", threshold: 0.95 });
  });

  test("without any setting there is no cache", () => {
    expect(resolveCacheSettings(undefined, undefined)).toBeUndefined();
    expect(resolveCacheSettings(undefined, undefined, { mode: "inherit" })).toBeUndefined();
  });
});
