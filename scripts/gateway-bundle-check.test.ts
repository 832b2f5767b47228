import path from "node:path";
import { build } from "esbuild";
import { ESLint } from "eslint";
import { describe, expect, test } from "vitest";
// @ts-expect-error plain .mjs module without types
import { checkGatewayBundle } from "./gateway-bundle-check.mjs";

const root = path.resolve(import.meta.dirname, "..");

describe("the gateway-only bundle never loads the console side", () => {
  test("the real gateway.ts bundle passes the check", async () => {
    const result = await build({
      entryPoints: [path.join(root, "gateway.ts")],
      bundle: true,
      write: false,
      platform: "node",
      format: "esm",
      metafile: true,
      external: ["@electric-sql/pglite", "drizzle-orm/pglite", "drizzle-orm/pglite/*", "gpt-tokenizer", "bufferutil", "utf-8-validate"],
      logLevel: "silent",
      absWorkingDir: root,
    });
    expect(checkGatewayBundle(result.metafile)).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((input) => input.startsWith("server/gateway/"))).toBe(true);
  });

  test("of server/admin/, only the admin token check (GET /metrics) may reach the bundle", () => {
    const metafile = { inputs: { "server/admin/admin-auth.ts": {}, "server/admin/actor-role.ts": {}, "server/admin/permissions.ts": {}, "server/admin/keys.ts": {} }, outputs: {} };
    expect(checkGatewayBundle(metafile)).toEqual(["source server/admin/keys.ts"]);
  });

  test("a bundle that pulls in Next, React, console code or PGlite statically is refused", () => {
    const metafile = {
      inputs: { "gateway.ts": {}, "node_modules/next/dist/server/next.js": {}, "node_modules/react/index.js": {}, "server/api/root.ts": {}, "app/layout.tsx": {}, "server/gateway/handler.ts": {} },
      outputs: { "dist/gateway.mjs": { imports: [{ path: "@electric-sql/pglite", kind: "import-statement", external: true }, { path: "gpt-tokenizer", kind: "dynamic-import", external: true }] } },
    };
    expect(checkGatewayBundle(metafile)).toEqual([
      "source node_modules/next/dist/server/next.js",
      "source node_modules/react/index.js",
      "source server/api/root.ts",
      "source app/layout.tsx",
      "package @electric-sql/pglite (import-statement)",
    ]);
  });

  test("lint refuses a console import in data-plane code, and allows it in the console", async () => {
    const eslint = new ESLint({ cwd: root });
    const source = 'import next from "next";\nimport { appRouter } from "@/server/api/root";\nexport const used = [next, appRouter];\n';
    const [gatewayFile] = await eslint.lintText(source, { filePath: path.join(root, "server/gateway/example.ts") });
    const messages = gatewayFile.messages.filter((message) => message.ruleId === "no-restricted-imports").map((message) => message.message);
    expect(messages).toEqual([
      "'next' import is restricted from being used by a pattern. The data plane must not load the console's framework (gateway-only replicas run without Next.js).",
      "'@/server/api/root' import is restricted from being used by a pattern. The data plane must not import console code (gateway-only replicas run without it).",
    ]);
    const [consoleFile] = await eslint.lintText(source, { filePath: path.join(root, "server/admin/example.ts") });
    expect(consoleFile.messages.filter((message) => message.ruleId === "no-restricted-imports")).toEqual([]);
  }, 60_000);
});
