// Turns e2e/.tmp/conformance.json (written by server/gateway/__tests__/conformance.test.ts) into a markdown table
// and prints it: one row per provider × feature, one column per inbound API × mode. A cell the suite did not
// record (its test failed or did not run) shows as "missing".
import { readFileSync } from "node:fs";
import path from "node:path";

const inputFile = path.join(import.meta.dirname, "..", "e2e", ".tmp", "conformance.json");
const columns = [
  ["chat", "non-stream"],
  ["chat", "stream"],
  ["messages", "non-stream"],
  ["messages", "stream"],
  ["responses", "non-stream"],
  ["responses", "stream"],
];
const inboundCount = new Set(columns.map(([inbound]) => inbound)).size;
const labels = { pass: "pass", warning: "warning", 400: "400", "not modelled": "fake: not modelled" };

const { cells } = JSON.parse(readFileSync(inputFile, "utf8"));
const rows = [];
for (const cell of cells) {
  const rowKey = `${cell.provider}|${cell.feature}`;
  if (!rows.some((row) => row.key === rowKey)) rows.push({ key: rowKey, provider: cell.provider, feature: cell.feature });
}

const lines = [
  "| provider | feature | chat | chat stream | messages | messages stream | responses | responses stream | notes |",
  "|---|---|---|---|---|---|---|---|---|",
];
for (const row of rows) {
  const rowCells = cells.filter((cell) => cell.provider === row.provider && cell.feature === row.feature);
  const results = columns.map(([inbound, mode]) => {
    const cell = rowCells.find((candidate) => candidate.inbound === inbound && candidate.mode === mode);
    return cell ? labels[cell.result] : "missing";
  });
  const noteText = describeNotes(rowCells);
  lines.push(`| ${row.provider} | ${row.feature} | ${results.join(" | ")} | ${noteText} |`);
}
console.log(lines.join("\n"));

/** Each distinct note once, naming the inbound APIs when it does not hold for all of them. */
function describeNotes(rowCells) {
  const inboundsByNote = new Map();
  for (const cell of rowCells) {
    if (!cell.note) continue;
    inboundsByNote.set(cell.note, new Set([...(inboundsByNote.get(cell.note) ?? []), cell.inbound]));
  }
  return [...inboundsByNote].map(([note, inbounds]) => (inbounds.size === inboundCount ? note : `${[...inbounds].join(", ")}: ${note}`)).join("; ");
}
