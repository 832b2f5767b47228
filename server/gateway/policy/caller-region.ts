import type { KeyEntry } from "../config/config-source";
import type { GatewayRequest } from "../contract";

const regionValue = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The caller's region: the trusted proxy's header when one is configured (TRUSTED_REGION_HEADER) and the request
 * carries a well-formed value, otherwise the key's `region` attribute. Without the setting the header is ignored, so a
 * client cannot claim a region.
 */
export function readCallerRegion(request: Pick<GatewayRequest, "header">, key: KeyEntry, trustedHeader: string | undefined): string | null {
  if (trustedHeader) {
    const value = request.header(trustedHeader)?.trim();
    if (value && regionValue.test(value)) return value;
  }
  return key.region ?? null;
}
