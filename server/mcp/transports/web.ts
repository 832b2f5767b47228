import { createMcpRequestHandler } from "../handler";
import { getMcpRuntime } from "../runtime";
import { describeError, logger } from "@/server/logger";
import { httpError } from "../http-errors";

const handle = createMcpRequestHandler(async () => (await getMcpRuntime()).deps);

/** The thin App Router handler's face (app/mcp/route.ts), for `next dev` and hosts without the custom server. */
export async function handleMcpWebRequest(request: Request): Promise<Response> {
  try {
    return await handle(request);
  } catch (error) {
    logger.error("MCP request failed", describeError(error));
    return httpError(500, -32603, "Internal error.");
  }
}
