import type { IncomingMessage } from "node:http";

/**
 * The TCP peer's address, stamped on every request handed to Next (sign-in throttling reads it).
 * Whatever a client sent under this name is overwritten, unlike X-Forwarded-For, which a client
 * can set freely when no proxy is in front. Behind a load balancer it is the balancer's address.
 */
export const CLIENT_ADDRESS_HEADER = "x-modelgate-client-address";

export function stampClientAddress(request: IncomingMessage): void {
  request.headers[CLIENT_ADDRESS_HEADER] = request.socket.remoteAddress ?? "unknown";
}
