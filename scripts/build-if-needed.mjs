// Builds (next build + the server bundle) when there is no build or a source changed since.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = process.cwd();

function newestMtime(entry) {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) {
    if (child === "node_modules" || child.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

const SOURCES = ["app", "server", "db", "server.ts", "gateway.ts", "proxy.ts", "next.config.ts", "package-lock.json", "postcss.config.mjs"];

function isOlderThanSources(outputs) {
  if (outputs.some((output) => !existsSync(output))) return true;
  const built = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return SOURCES.filter((entry) => existsSync(entry)).some((entry) => newestMtime(path.join(root, entry)) > built);
}

export function needsBuild() {
  return isOlderThanSources([path.join(root, "dist", "server.mjs"), path.join(root, "dist", "gateway.mjs"), path.join(root, ".next", "BUILD_ID")]);
}

export function buildIfNeeded() {
  if (process.env.MODELGATE_SKIP_BUILD === "1" || !needsBuild()) return;
  console.log("Building modelgate (no build yet, or sources changed)…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** A gateway-only replica needs only its own bundle (no `next build`). */
export function buildGatewayIfNeeded() {
  if (process.env.MODELGATE_SKIP_BUILD === "1" || !isOlderThanSources([path.join(root, "dist", "gateway.mjs")])) return;
  console.log("Building the gateway bundle…");
  const result = spawnSync(process.execPath, ["scripts/build-server.mjs", "gateway"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
