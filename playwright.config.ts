import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

// Debian's chromium when present (Playwright cannot download its own browser here); Playwright's otherwise.
const systemChromium = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((path) => existsSync(path));
const port = Number(process.env.E2E_PORT ?? 3211);

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/support/global-setup.ts",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: { baseURL: `http://127.0.0.1:${port}`, trace: "retain-on-failure" },
  projects: [
    { name: "api", testDir: "./e2e/api" },
    // Two-tier deployments on the local PostgreSQL: gateway-only replicas, a console process, a load balancer.
    { name: "replicas", testDir: "./e2e/replicas" },
    {
      name: "console",
      testDir: "./e2e/console",
      use: {
        browserName: "chromium",
        viewport: { width: 1400, height: 900 },
        launchOptions: {
          executablePath: systemChromium,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"],
        },
      },
    },
  ],
});
