import { Agent, request, type Dispatcher } from "undici";
import { checkOutboundUrl, parseAllowList, type AllowList } from "@/server/security/ssrf";
import { guardedLookup } from "./upstream";
import type { Result } from "./types";

/**
 * Fetches a remote image for a provider that only takes bytes, refusing anything that could reach inside:
 * http(s) only, no credentials, every hop (max 3 redirects) checked against the SSRF rules before connecting
 * and again at connect time (guardedLookup, so DNS rebinding is refused), a byte cap read incrementally,
 * a total time limit, and the declared type must match the sniffed magic bytes.
 * References:
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html (png | jpeg | gif | webp)
 *   https://github.com/nodejs/undici/blob/main/docs/docs/api/Agent.md (connect.lookup; redirects are not followed)
 *   https://www.w3.org/TR/png/#5PNG-file-signature, https://developers.google.com/speed/webp/docs/riff_container
 */
export interface FetchImageOptions {
  /** GATEWAY_ALLOW_PRIVATE_HOSTS syntax: "host,10.0.0.0/8" or "*". */
  allowPrivateHosts: string;
  /** The JSON path of the part, for the error's `param`. */
  param: string;
  signal?: AbortSignal;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** The pre-connect resolver (tests stand in a rebinding DNS); the connect-time lookup is always the real one. */
  resolveHost?: (host: string) => Promise<string[]>;
}

export interface FetchedImage {
  mediaType: string;
  base64: string;
}

export const IMAGE_MAX_BYTES = 20 * 1024 * 1024;
export const IMAGE_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

const SIGNATURES: Array<{ mediaType: string; matches: (bytes: Buffer) => boolean }> = [
  { mediaType: "image/png", matches: (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mediaType: "image/jpeg", matches: (bytes) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) },
  { mediaType: "image/gif", matches: (bytes) => ["GIF87a", "GIF89a"].includes(bytes.subarray(0, 6).toString("latin1")) },
  { mediaType: "image/webp", matches: (bytes) => bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP" },
];

/** The media type the bytes start with, if it is one we accept. */
export function sniffImageType(bytes: Buffer): string | undefined {
  return SIGNATURES.find((signature) => signature.matches(bytes))?.mediaType;
}

export async function fetchImage(url: string, options: FetchImageOptions): Promise<Result<FetchedImage>> {
  const allow = parseAllowList(options.allowPrivateHosts);
  const timeoutMs = options.timeoutMs ?? IMAGE_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const agent = new Agent({ connect: { lookup: guardedLookup(allow) } });
  const refuse = (message: string): Result<FetchedImage> => ({ ok: false, error: { kind: "invalid_request", message: `The image URL at ${options.param} ${message}.`, param: options.param } });
  try {
    const response = await follow(url, { allow, agent, signal, maxRedirects: options.maxRedirects ?? MAX_REDIRECTS, resolveHost: options.resolveHost });
    if (typeof response === "string") return refuse(response);
    return await readImage(response, options.maxBytes ?? IMAGE_MAX_BYTES, refuse);
  } catch (error) {
    if (deadline.aborted) return refuse(`could not be fetched within ${timeoutMs / 1000} s`);
    if (signal.aborted) return refuse("was not fetched: the request was cancelled");
    const code = (error as { code?: string })?.code ?? "";
    const cause = (error as { cause?: { code?: string } })?.cause?.code ?? "";
    if (code === "EPRIVATEADDRESS" || cause === "EPRIVATEADDRESS") return refuse("resolves to a private, loopback, link-local or metadata address");
    return refuse(`could not be fetched (${code || cause || "network error"})`);
  } finally {
    void agent.destroy().catch(() => undefined);
  }
}

/** Requests each hop itself, so every redirect target passes the same checks; a string is a refusal. */
interface FollowOptions {
  allow: AllowList;
  agent: Agent;
  signal: AbortSignal;
  maxRedirects: number;
  resolveHost?: (host: string) => Promise<string[]>;
}

async function follow(start: string, { allow, agent, signal, maxRedirects, resolveHost }: FollowOptions): Promise<Dispatcher.ResponseData | string> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const check = await checkOutboundUrl(url, allow, resolveHost);
    if (!check.ok) return check.reason.replace(/^host (\S+) does not resolve$/, "has a host ($1) that does not resolve");
    const response = await request(check.url, { method: "GET", headers: { accept: "image/png, image/jpeg, image/gif, image/webp" }, dispatcher: agent, signal });
    if (response.statusCode < 300 || response.statusCode >= 400) {
      if (response.statusCode === 200) return response;
      discard(response);
      return `could not be fetched (HTTP ${response.statusCode})`;
    }
    discard(response);
    const location = response.headers.location;
    if (typeof location !== "string") return "could not be fetched (a redirect without a Location)";
    if (hop >= maxRedirects) return `could not be fetched (more than ${maxRedirects} redirects)`;
    url = new URL(location, check.url).toString();
  }
}

async function readImage(response: Dispatcher.ResponseData, maxBytes: number, refuse: (message: string) => Result<FetchedImage>): Promise<Result<FetchedImage>> {
  const declared = String(response.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!SIGNATURES.some((signature) => signature.mediaType === declared)) {
    discard(response);
    return refuse(`does not point at a png, jpeg, gif or webp image (content-type ${declared || "missing"})`);
  }
  const tooLarge = `points at an image larger than ${maxBytes} bytes`;
  if (Number(response.headers["content-length"] ?? 0) > maxBytes) {
    discard(response);
    return refuse(tooLarge);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      discard(response);
      return refuse(tooLarge);
    }
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const sniffed = sniffImageType(bytes);
  if (sniffed !== declared) return refuse(`points at content that is not the ${declared} its content-type says`);
  return { ok: true, value: { mediaType: declared, base64: bytes.toString("base64") } };
}

/** Frees the connection; undici's body emits an abort error when destroyed unread, which is expected here. */
function discard(response: Dispatcher.ResponseData): void {
  response.body.on("error", () => undefined);
  response.body.destroy();
}
