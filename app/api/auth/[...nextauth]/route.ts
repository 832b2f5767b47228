export const runtime = "nodejs";
export { GET, POST } from "@/server/auth/handlers";
