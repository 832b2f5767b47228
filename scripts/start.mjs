// `npm start`: builds when there is no build or the sources changed since, then runs the server.
import { spawnSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const stamp = path.join(root, "dist", "server.mjs");
const buildId = path.join(root, ".next", "BUILD_ID");

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

function needsBuild() {
  if (!existsSync(stamp) || !existsSync(buildId)) return true;
  const built = Math.min(statSync(stamp).mtimeMs, statSync(buildId).mtimeMs);
  const sources = ["app", "server", "db", "server.ts", "next.config.ts", "package-lock.json", "postcss.config.mjs"].filter((entry) => existsSync(entry));
  return sources.some((entry) => newestMtime(path.join(root, entry)) > built);
}

if (process.env.MODELGATE_SKIP_BUILD !== "1" && needsBuild()) {
  console.log("Building modelgate (first start or sources changed)…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const child = spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
