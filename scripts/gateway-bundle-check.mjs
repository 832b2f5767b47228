// What may never reach a gateway-only replica: the console's framework and the console's own code.
const FORBIDDEN_PACKAGES = /^(next|next-auth|react|react-dom|@auth\/[^/]+|@trpc\/[^/]+|@tanstack\/[^/]+|recharts|superjson|@node-rs\/argon2|@electric-sql\/pglite)(\/|$)/;
// server/admin/'s token check (and the role rules it reads) is allowed: GET /metrics takes the admin API's token in every role.
const FORBIDDEN_SOURCES = /^(app\/|server\/api\/|server\/auth\/|server\/admin\/(?!(admin-auth|actor-role|permissions)\.ts$)|proxy\.ts$|server\.ts$)/;

/**
 * Reads an esbuild metafile of the gateway bundle; returns one line per forbidden input or import.
 * Bundled packages and sources show up as inputs (node_modules/<name>/…), external packages as imports.
 * PGlite is the single-process embedded database: a replica always runs on PostgreSQL, so it is
 * only ever imported dynamically, and not at all from gateway.ts's static graph.
 */
export function checkGatewayBundle(metafile) {
  const problems = [];
  for (const input of Object.keys(metafile.inputs)) {
    const packagePath = input.split("node_modules/").at(-1);
    if (input.includes("node_modules/") ? FORBIDDEN_PACKAGES.test(packagePath) : FORBIDDEN_SOURCES.test(input)) problems.push(`source ${input}`);
  }
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports ?? []) {
      if (imported.external && imported.kind !== "dynamic-import" && FORBIDDEN_PACKAGES.test(imported.path)) problems.push(`package ${imported.path} (${imported.kind})`);
      if (imported.external && imported.kind === "dynamic-import" && /^(next|react|next-auth)(\/|$)/.test(imported.path)) problems.push(`package ${imported.path} (dynamic)`);
    }
  }
  return problems;
}
