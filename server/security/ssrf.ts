import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Refuses URLs whose host resolves to loopback, private, link-local, CGNAT, multicast or
 * cloud-metadata addresses, unless the operator allowed the host (GATEWAY_ALLOW_PRIVATE_HOSTS).
 * Checked after DNS resolution, on every address the name resolves to.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["fd00:ec2::", 32],
] as const) blocked.addSubnet(network, prefix, "ipv6");

const metadataHosts = new Set(["metadata.google.internal", "metadata", "instance-data", "metadata.azure.com"]);

export interface AllowList {
  all: boolean;
  hosts: Set<string>;
  networks: BlockList;
}

/** Parses "host1,10.0.0.0/8,localhost" or "*". */
export function parseAllowList(text: string): AllowList {
  const networks = new BlockList();
  const hosts = new Set<string>();
  let all = false;
  for (const entry of text.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean)) {
    if (entry === "*") all = true;
    else if (entry.includes("/")) {
      const [address, bits] = entry.split("/");
      const family = isIP(address);
      if (family) networks.addSubnet(address, Number(bits), family === 6 ? "ipv6" : "ipv4");
    } else if (isIP(entry)) networks.addAddress(entry, isIP(entry) === 6 ? "ipv6" : "ipv4");
    else hosts.add(entry);
  }
  return { all, hosts, networks };
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1], "ipv4");
    return blocked.check(address, "ipv6");
  }
  return blocked.check(address, "ipv4");
}

function isAllowedAddress(address: string, allow: AllowList): boolean {
  const family = isIP(address);
  return allow.all || (family !== 0 && allow.networks.check(address, family === 6 ? "ipv6" : "ipv4"));
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Validates a provider base URL entered by an admin. */
export async function checkOutboundUrl(
  text: string,
  allow: AllowList,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must use http or https" };
  if (url.username || url.password) return { ok: false, reason: "must not contain credentials" };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (allow.all || allow.hosts.has(host)) return { ok: true, url };
  if (metadataHosts.has(host)) return { ok: false, reason: "points at a cloud metadata service" };
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return { ok: false, reason: `host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  for (const address of addresses) {
    if (isBlockedAddress(address) && !isAllowedAddress(address, allow)) {
      return { ok: false, reason: "resolves to a private, loopback, link-local or metadata address (set GATEWAY_ALLOW_PRIVATE_HOSTS to allow it)" };
    }
  }
  return { ok: true, url };
}

async function resolveAll(host: string): Promise<string[]> {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((result) => result.address);
}
