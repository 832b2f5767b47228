import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

/**
 * PGlite does not lock its folder, and two processes writing it lose rows. The server holds
 * `<DATA_DIR>/server.lock` (its pid) while it runs; a second server or a CLI refuses to open
 * the folder while that pid is alive.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.resolve(dataDir, "server.lock");
  try {
    writeFileSync(lockPath, String(process.pid), { flag: "wx" });
  } catch {
    const holder = Number(readFileSync(lockPath, "utf8").trim());
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(`The data folder ${path.resolve(dataDir)} is in use by process ${holder}. Stop it first, or set DATABASE_URL / another DATA_DIR.`);
    }
    writeFileSync(lockPath, String(process.pid));
  }
  return () => rmSync(lockPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
