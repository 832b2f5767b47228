/** Starting the processes a benchmark compares, and reading their readiness time, memory and CPU. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Target {
  name: string;
  url: string;
  child: ChildProcess;
  /** Spawn → /api/health answering, in ms. */
  readyMs: number;
}

const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;

/** Runs `args` on the given CPU where taskset exists (one core for the proxy under test, the other for load + fake). */
export function spawnOnCore(core: number, command: string, args: string[], env: Record<string, string>): ChildProcess {
  const [file, argv] = hasTaskset ? ["taskset", ["-c", String(core), command, ...args]] : [command, args];
  const child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr!.on("data", (chunk: Buffer) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
  });
  return child;
}

/** Pins this process (the load generator) to a core. */
export function pinSelf(core: number): void {
  if (hasTaskset) spawnSync("taskset", ["-cp", String(core), String(process.pid)], { stdio: "ignore" });
}

export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes("\n")) resolve(buffer.split("\n")[0].trim());
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before printing its URL`)));
  });
}

/** Polls /api/health every 5 ms from `startedAt`; returns the time to the first 200. */
export async function waitHealthy(url: string, child: ChildProcess, startedAt: number, timeoutMs = 120_000): Promise<number> {
  while (performance.now() - startedAt < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} did not become healthy`);
}

export async function startTarget(name: string, port: number, command: string, args: string[], env: Record<string, string>): Promise<Target> {
  const startedAt = performance.now();
  const child = spawnOnCore(1, command, args, { ...env, PORT: String(port), HOST: "127.0.0.1" });
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  const readyMs = await waitHealthy(url, child, startedAt);
  return { name, url, child, readyMs };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** The real process behind a taskset wrapper (taskset execs, so the pid is the same). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** User and system CPU time of a process so far, in ms (clock ticks of 10 ms). */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** User + system CPU time of a process so far, in ms. */
export function cpuMs(pid: number): number {
  const { user, system } = cpuSplitMs(pid);
  return user + system;
}

/** Builds what a benchmark runs (dist/ if stale, the bare proxy's bundle); exits the process when a build fails. */
export function prepareBuilds(): void {
  if (spawnSync("node", ["-e", "import('./scripts/build-if-needed.mjs').then(m => m.buildIfNeeded())"], { stdio: "inherit" }).status !== 0) process.exit(1);
  if (spawnSync("node_modules/.bin/esbuild", ["bench/bare-proxy.ts", "--bundle", "--platform=node", "--format=esm", "--packages=external", "--outfile=dist/bare-proxy.mjs", "--log-level=warning"], { stdio: "inherit" }).status !== 0) process.exit(1);
}

/**
 * Pins this process (the load generator) to core 0 and starts the strict OpenAI fake there, under node itself (an npx
 * wrapper's grandchild could outlive stopProcess); resolves with the fake and its URL.
 */
export async function startLoadAndFake(): Promise<{ fake: ChildProcess; fakeUrl: string }> {
  pinSelf(0);
  const fake = spawnOnCore(0, process.execPath, ["--import", "tsx", "bench/fake-upstream.ts", "0"], {});
  return { fake, fakeUrl: await firstLine(fake) };
}
