/**
 * The Host names POST /mcp answers for (DNS-rebinding protection): localhost's, PUBLIC_URL's, and MCP_ALLOWED_HOSTS
 * ("*" turns the check off, for deployments behind a proxy that checks Host itself). Origin, when a browser sends
 * one, must name one of the same hosts.
 */
export function allowedMcpHosts(configured: string, publicUrl: string | undefined): string[] {
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]"]);
  for (const entry of configured.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean)) hosts.add(entry);
  if (publicUrl) hosts.add(new URL(publicUrl).hostname.toLowerCase());
  return [...hosts];
}
