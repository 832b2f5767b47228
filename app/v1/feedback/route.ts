// Thin route for hosts without the custom server (server.ts serves /v1/* itself before Next's router).
export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export { handleWebRequest as POST } from "@/server/gateway/transports/web";
