import { getMcpActivity } from "@/server/admin/mcp-grants";
import { adminRoute, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/mcp-calls — the newest 100 tool calls, and calls, errors, p95 and cost per tool over 24 hours. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await getMcpActivity(db, actor)));
