import type { McpAuthMode, McpTransport } from "@/db/schema/mcp-servers";

export interface McpServerEntry {
  id: string;
  orgId: string;
  slug: string;
  name: string;
  url: string;
  transport: McpTransport;
  authMode: McpAuthMode;
  authHeaderName: string | null;
  /** Decrypted in the snapshot (the static header's value or the OAuth client secret). */
  credential: string | null;
  oauthTokenUrl: string | null;
  oauthClientId: string | null;
  oauthScope: string | null;
  timeoutMs: number;
  forwardHeaders: readonly string[];
  logArguments: boolean;
}

export interface McpGrantEntry {
  id: string;
  orgId: string;
  subject: "key" | "team";
  subjectId: string;
  /** Null: every server of the org. */
  serverId: string | null;
  /** An upstream tool name, or "*". */
  tool: string;
  rpm: number | null;
  concurrency: number | null;
  costPerCallUsd: string;
}

export interface McpSnapshot {
  servers: McpServerEntry[];
  /** Approved definition hashes: server id → upstream tool name → hash. */
  approved: { serverId: string; tool: string; hash: string }[];
  grants: McpGrantEntry[];
}

/** What the MCP endpoint knows about configuration; read from memory on every request. */
export interface McpConfigSource {
  listServers(orgId: string): readonly McpServerEntry[];
  findServerBySlug(orgId: string, slug: string): McpServerEntry | undefined;
  approvedHash(serverId: string, tool: string): string | undefined;
  /** The key's own grants, then its team's. */
  grantsFor(orgId: string, keyId: string, teamId: string | null): readonly McpGrantEntry[];
}

export function createStaticMcpConfig(snapshot: McpSnapshot): McpConfigSource {
  const serversByOrg = new Map<string, McpServerEntry[]>();
  const bySlug = new Map<string, McpServerEntry>();
  for (const server of [...snapshot.servers].sort((a, b) => a.slug.localeCompare(b.slug))) {
    serversByOrg.set(server.orgId, [...(serversByOrg.get(server.orgId) ?? []), server]);
    bySlug.set(`${server.orgId}/${server.slug}`, server);
  }
  const approved = new Map(snapshot.approved.map((entry) => [`${entry.serverId}/${entry.tool}`, entry.hash]));
  const grantsBySubject = new Map<string, McpGrantEntry[]>();
  for (const grant of snapshot.grants) {
    const subjectKey = `${grant.orgId}/${grant.subject}/${grant.subjectId}`;
    grantsBySubject.set(subjectKey, [...(grantsBySubject.get(subjectKey) ?? []), grant]);
  }
  return {
    listServers: (orgId) => serversByOrg.get(orgId) ?? [],
    findServerBySlug: (orgId, slug) => bySlug.get(`${orgId}/${slug}`),
    approvedHash: (serverId, tool) => approved.get(`${serverId}/${tool}`),
    grantsFor: (orgId, keyId, teamId) => [
      ...(grantsBySubject.get(`${orgId}/key/${keyId}`) ?? []),
      ...(teamId ? (grantsBySubject.get(`${orgId}/team/${teamId}`) ?? []) : []),
    ],
  };
}

/** The first grant that covers the server's tool: a key's own grants win over its team's, exact tools over "*". */
export function findGrant(grants: readonly McpGrantEntry[], serverId: string, tool: string): McpGrantEntry | undefined {
  const covering = grants.filter((grant) => (grant.serverId === null || grant.serverId === serverId) && (grant.tool === "*" || grant.tool === tool));
  const rank = (grant: McpGrantEntry) => (grant.subject === "key" ? 0 : 4) + (grant.serverId === null ? 2 : 0) + (grant.tool === "*" ? 1 : 0);
  return covering.sort((a, b) => rank(a) - rank(b))[0];
}
