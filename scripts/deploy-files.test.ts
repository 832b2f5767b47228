import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parseAllDocuments, parse } from "yaml";
import { envSchema } from "@/server/env";

/**
 * The deployment files cannot be run here (no image registry), so what can be checked is checked: the image
 * starts with the script the tests start (scripts/start.mjs), copies files that exist, and every role and
 * environment variable the Dockerfile, compose.yaml and the Kubernetes example set is one server/env.ts reads.
 */
const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
// Read by scripts/start.mjs rather than server/env.ts; REDIS_URL is wired for the shared limits and circuit state
// that issues 9 and 10 bring (README "Deployment" says nothing reads it yet).
const known = new Set([...Object.keys(envSchema.shape), "MODELGATE_SKIP_BUILD", "REDIS_URL"]);
const roles = ["all", "gateway", "console"];

describe("deployment files", () => {
  test("the image runs scripts/start.mjs, as npm start and e2e/support/replicas.ts do, and copies what it needs", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/^CMD \["node", "scripts\/start\.mjs"\]$/m);
    expect(read("e2e/support/replicas.ts")).toContain('"scripts/start.mjs"');
    expect(JSON.parse(read("package.json")).scripts.start).toBe("node scripts/start.mjs");
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(" "));
    for (const file of copied) expect(existsSync(path.join(root, file)), file).toBe(true);
    for (const [, name] of dockerfile.matchAll(/^\s+([A-Z_]+)=/gm)) expect(known.has(name), name).toBe(true);
  });

  test("compose.yaml: a console, two gateway replicas, PostgreSQL, Redis and a balancer, with known settings", () => {
    const compose = parse(read("compose.yaml"), { merge: true });
    expect(Object.keys(compose.services).sort()).toEqual(["console", "gateway", "postgres", "proxy", "redis"]);
    expect(compose.services.gateway.environment.MODELGATE_ROLE).toBe("gateway");
    expect(compose.services.gateway.deploy.replicas).toBe(2);
    expect(compose.services.console.environment.MODELGATE_ROLE).toBe("console");
    for (const service of ["console", "gateway"]) {
      for (const name of Object.keys(compose.services[service].environment)) expect(known.has(name), `${service}: ${name}`).toBe(true);
    }
    expect(existsSync(path.join(root, "deploy/nginx.conf"))).toBe(true);
  });

  test("the Kubernetes example: one Deployment per tier with probes on the two health endpoints and secrets from a Secret", () => {
    const documents = parseAllDocuments(read("deploy/kubernetes/modelgate.yaml")).map((document) => document.toJSON());
    const deployments = documents.filter((document) => document.kind === "Deployment");
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(["modelgate-console", "modelgate-gateway"]);
    for (const deployment of deployments) {
      const [container] = deployment.spec.template.spec.containers;
      const role = container.env.find((entry: { name: string }) => entry.name === "MODELGATE_ROLE").value;
      expect(roles).toContain(role);
      for (const entry of container.env) expect(known.has(entry.name), entry.name).toBe(true);
      expect(container.readinessProbe.httpGet.path).toBe("/api/ready");
      expect(container.livenessProbe.httpGet.path).toBe("/api/health");
      expect(container.envFrom[0].secretRef.name).toBe("modelgate");
    }
    const secret = documents.find((document) => document.kind === "Secret");
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(["GATEWAY_ENCRYPTION_KEY", "AUTH_SECRET", "DATABASE_URL"]));
    expect(documents.filter((document) => document.kind === "Service").map((service) => service.metadata.name).sort()).toEqual(["modelgate-console", "modelgate-gateway"]);
  });
});
