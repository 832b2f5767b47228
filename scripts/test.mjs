// `npm test`: typecheck, lint, unit and data tests (vitest), then the Playwright end-to-end projects
// (api, console) against the built app. Data tests need PostgreSQL on 127.0.0.1:5432 (TEST_DATABASE_URL
// to change it). Ends with one line counting every test: "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { buildIfNeeded } from "./build-if-needed.mjs";

const reports = ".test-output";
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
}

const typecheck = run("npx", ["tsc", "--noEmit"]);
const lint = run("npx", ["eslint", "."]);
const unit = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${reports}/vitest.json`]);
buildIfNeeded();
const e2e = run("npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json` });

const vitest = readJson(`${reports}/vitest.json`);
const playwright = readJson(`${reports}/playwright.json`);
const passed = (vitest?.numPassedTests ?? 0) + (playwright?.stats?.expected ?? 0) + (playwright?.stats?.flaky ?? 0);
const failed = (vitest?.numFailedTests ?? 0) + (playwright?.stats?.unexpected ?? 0);
const verdict = (code) => (code === 0 ? "passed" : "FAILED");
console.log(`\ntypecheck: ${verdict(typecheck)}; lint: ${verdict(lint)}; unit/data: ${verdict(unit)}; end-to-end: ${verdict(e2e)}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit([typecheck, lint, unit, e2e].some((code) => code !== 0) || failed > 0 ? 1 : 0);
