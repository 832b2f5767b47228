/** Prints benchmark rows side by side, and the issue-8 targets for the gateway-only replica against the bare proxy. */
import { RATES, type Row } from "./measure";

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

export function formatTable(direct: Row, rows: Row[]): string {
  const header = `| | direct | ${rows.map((row) => row.name).join(" | ")} |`;
  const rule = `|---|---|${rows.map(() => "---").join("|")}|`;
  const line = (label: string, directValue: string, value: (row: Row) => string) => `| ${label} | ${directValue} | ${rows.map(value).join(" | ")} |`;
  const lines = [header, rule];
  for (const rate of RATES) {
    lines.push(line(`p50 at ${rate} req/s (added)`, `${fmt(direct.p50[rate])} ms`, (row) => `${fmt(row.p50[rate])} ms (+${fmt(row.p50[rate] - direct.p50[rate])})`));
    lines.push(line(`p99 at ${rate} req/s (added)`, `${fmt(direct.p99[rate])} ms`, (row) => `${fmt(row.p99[rate])} ms (+${fmt(row.p99[rate] - direct.p99[rate])})`));
  }
  lines.push(line("max req/s (64 concurrent)", fmt(direct.maxRps, 0), (row) => fmt(row.maxRps, 0)));
  lines.push(line("CPU per request at saturation", "–", (row) => `${fmt(row.cpuPerRequestMs, 3)} ms`));
  lines.push(line("stream time to first byte p50 (added)", `${fmt(direct.ttfbP50)} ms`, (row) => `${fmt(row.ttfbP50)} ms (+${fmt(row.ttfbP50 - direct.ttfbP50)})`));
  lines.push(line("chunk gap p99 (deltas every 100 ms)", `${fmt(direct.gapP99)} ms`, (row) => `${fmt(row.gapP99)} ms`));
  lines.push(line("RSS idle", "–", (row) => `${fmt(row.rssIdle, 0)} MiB`));
  lines.push(line(`RSS with ${process.env.BENCH_STREAMS ?? 1000} open streams`, "–", (row) => `${fmt(row.rssStreams, 0)} MiB`));
  lines.push(line("time to ready (spawn → /api/health)", "–", (row) => `${fmt(row.readyMs, 0)} ms`));
  return lines.join("\n");
}

interface Check {
  what: string;
  measured: number;
  bound: number;
  unit: string;
}

/** Issue 8's targets: the gateway-only replica against the bare proxy, from the same run. */
export function formatTargets(direct: Row, bare: Row, gateway: Row): string {
  const added = (row: Row, key: "p50" | "p99", rate: number) => row[key][rate] - direct[key][rate];
  const checks: Check[] = [
    { what: "RSS idle ≤ 1.3 × bare", measured: gateway.rssIdle, bound: 1.3 * bare.rssIdle, unit: "MiB" },
    { what: "RSS with open streams ≤ bare + 60 MiB", measured: gateway.rssStreams, bound: bare.rssStreams + 60, unit: "MiB" },
    { what: "added p50 at 500 req/s ≤ bare + 0.3 ms", measured: added(gateway, "p50", 500), bound: added(bare, "p50", 500) + 0.3, unit: "ms" },
    { what: "added p99 at 500 req/s ≤ bare + 1.5 ms", measured: added(gateway, "p99", 500), bound: added(bare, "p99", 500) + 1.5, unit: "ms" },
    { what: "stream TTFB ≤ bare + 1 ms", measured: gateway.ttfbP50, bound: bare.ttfbP50 + 1, unit: "ms" },
    { what: "chunk gap p99 ≤ bare + 1 ms", measured: gateway.gapP99, bound: bare.gapP99 + 1, unit: "ms" },
    { what: "CPU per request ≤ 1.5 × bare", measured: gateway.cpuPerRequestMs, bound: 1.5 * bare.cpuPerRequestMs, unit: "ms" },
    { what: "ready ≤ 1 s", measured: gateway.readyMs, bound: 1000, unit: "ms" },
  ];
  const lines = ["| gateway-only target | measured | bound | met |", "|---|---|---|---|"];
  for (const check of checks) {
    const digits = check.unit === "ms" && check.bound < 100 ? 3 : 1;
    lines.push(`| ${check.what} | ${fmt(check.measured, digits)} ${check.unit} | ${fmt(check.bound, digits)} ${check.unit} | ${check.measured <= check.bound ? "yes" : "**no**"} |`);
  }
  return lines.join("\n");
}

/** Issue 9's targets: the gateway-only replica with governance on against the same replica without. */
export function formatGovernanceTargets(direct: Row, plain: Row, governed: Row): string {
  const added = (row: Row) => row.p50[500] - direct.p50[500];
  const checks: Check[] = [
    { what: "CPU per request ≤ 1.25 × without governance", measured: governed.cpuPerRequestMs, bound: 1.25 * plain.cpuPerRequestMs, unit: "ms" },
    { what: "added p50 at 500 req/s ≤ without + 0.5 ms", measured: added(governed), bound: added(plain) + 0.5, unit: "ms" },
  ];
  const lines = ["| governance target (budget + rate limit + 10 rules) | measured | bound | met |", "|---|---|---|---|"];
  for (const check of checks) lines.push(`| ${check.what} | ${fmt(check.measured, 3)} ${check.unit} | ${fmt(check.bound, 3)} ${check.unit} | ${check.measured <= check.bound ? "yes" : "**no**"} |`);
  return lines.join("\n");
}

/** Issue 10's target: the routing step (a group of three deployments with health scoring) against the plain path. */
export function formatRoutingTargets(plain: Row, routed: Row): string {
  const lines = ["| routing target (group of 3, lowest latency) | measured | bound | met |", "|---|---|---|---|"];
  const bound = 1.1 * plain.cpuPerRequestMs;
  lines.push(`| CPU per request ≤ 1.10 × the plain model | ${fmt(routed.cpuPerRequestMs, 3)} ms | ${fmt(bound, 3)} ms | ${routed.cpuPerRequestMs <= bound ? "yes" : "**no**"} |`);
  return lines.join("\n");
}
