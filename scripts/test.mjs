// `npm test`: unit and data tests (vitest), then the Playwright end-to-end projects (api, console)
// against the built app. Data tests need PostgreSQL on 127.0.0.1:5432 (TEST_DATABASE_URL to change it).
import { spawnSync } from "node:child_process";
import { buildIfNeeded } from "./build-if-needed.mjs";

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  return result.status ?? 1;
}

const unit = run("npx", ["vitest", "run"]);
buildIfNeeded();
const e2e = run("npx", ["playwright", "test"]);
console.log(`\nunit/data tests: ${unit === 0 ? "passed" : "FAILED"}; end-to-end tests: ${e2e === 0 ? "passed" : "FAILED"}`);
process.exit(unit !== 0 || e2e !== 0 ? 1 : 0);
