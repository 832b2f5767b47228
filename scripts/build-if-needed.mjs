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

export function needsBuild() {
  const stamp = path.join(root, "dist", "server.mjs");
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(stamp) || !existsSync(buildId)) return true;
  const built = Math.min(statSync(stamp).mtimeMs, statSync(buildId).mtimeMs);
  const sources = ["app", "server", "db", "server.ts", "proxy.ts", "next.config.ts", "package-lock.json", "postcss.config.mjs"].filter((entry) => existsSync(entry));
  return sources.some((entry) => newestMtime(path.join(root, entry)) > built);
}

export function buildIfNeeded() {
  if (process.env.MODELGATE_SKIP_BUILD === "1" || !needsBuild()) return;
  console.log("Building modelgate (no build yet, or sources changed)…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
