import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { requirePermission } from "@/app/_components/require-permission";
import { McpPanel } from "./mcp-panel";

export const metadata: Metadata = { title: "MCP servers" };

export default async function McpPage() {
  const { actor, allowed } = await requirePermission("mcp:read");
  if (!allowed) return <NoAccess role={actor.role} what="MCP servers" />;
  return <McpPanel />;
}
