// `npm start`: builds when needed, then runs the process for MODELGATE_ROLE in production mode:
//   all (default) and console → dist/server.mjs (Next.js custom server); gateway → dist/gateway.mjs (no Next.js).
// `npm run start:gateway` is `npm start` with MODELGATE_ROLE=gateway.
import { spawn } from "node:child_process";
import { buildGatewayIfNeeded, buildIfNeeded } from "./build-if-needed.mjs";

const role = process.env.MODELGATE_ROLE || "all";
const isGateway = role === "gateway";
if (isGateway) buildGatewayIfNeeded();
else buildIfNeeded();
const entry = isGateway ? "dist/gateway.mjs" : "dist/server.mjs";
const child = spawn(process.execPath, ["--enable-source-maps", entry], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
