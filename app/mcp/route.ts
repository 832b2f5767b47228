export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export { handleMcpWebRequest as POST, handleMcpWebRequest as GET, handleMcpWebRequest as DELETE, handleMcpWebRequest as PUT, handleMcpWebRequest as PATCH } from "@/server/mcp/transports/web";
