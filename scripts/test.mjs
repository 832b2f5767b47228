// `npm test`: typecheck, lint, unit and data tests (vitest), then the Playwright end-to-end projects (api, console)
// against the built app. Data tests need PostgreSQL on 127.0.0.1:5432 (TEST_DATABASE_URL to change it).
import { spawnSync } from "node:child_process";
import { buildIfNeeded } from "./build-if-needed.mjs";

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  return result.status ?? 1;
}

const typecheck = run("npx", ["tsc", "--noEmit"]);
const lint = run("npx", ["eslint", "."]);
const unit = run("npx", ["vitest", "run"]);
buildIfNeeded();
const e2e = run("npx", ["playwright", "test"]);
const verdict = (code) => (code === 0 ? "passed" : "FAILED");
console.log(`\ntypecheck: ${verdict(typecheck)}; lint: ${verdict(lint)}; unit/data tests: ${verdict(unit)}; end-to-end tests: ${verdict(e2e)}`);
process.exit([typecheck, lint, unit, e2e].some((code) => code !== 0) ? 1 : 0);
