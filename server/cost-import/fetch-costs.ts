import { Agent, request } from "undici";
import { costReportFormats, type CostDay, type CostImportProvider } from "@/server/providers/cost-reports";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { guardedLookup } from "@/server/gateway/upstream";

export interface FetchOptions {
  allowPrivateHosts: string;
  timeoutMs?: number;
  /** Buckets per page (both APIs default to 7). */
  pageLimit?: number;
  /** A runaway cursor stops here. */
  maxPages?: number;
}

export type FetchResult = { ok: true; days: CostDay[]; pages: number } | { ok: false; error: string };

/**
 * Reads every page of a provider's cost API for [from, to) (UTC days) with its admin key: the base URL is checked
 * against the SSRF rules, and every connection resolves through the guarded lookup. Errors name the provider's HTTP
 * status and error type only, never its message (which can quote a key fragment), the URL or the key.
 */
export async function fetchCostDays(source: { provider: CostImportProvider; baseUrl: string; adminKey: string }, range: { from: Date; to: Date }, options: FetchOptions): Promise<FetchResult> {
  const format = costReportFormats[source.provider];
  const allow = parseAllowList(options.allowPrivateHosts);
  const checked = await checkOutboundUrl(source.baseUrl, allow);
  if (!checked.ok) return { ok: false, error: `The cost API's base URL ${checked.reason}.` };
  const agent = new Agent({ connect: { lookup: guardedLookup(allow), timeout: options.timeoutMs ?? 10_000 } });
  const byDay = new Map<string, CostDay>();
  let page: string | undefined;
  let pages = 0;
  try {
    do {
      if (pages >= (options.maxPages ?? 100)) return { ok: false, error: "The cost API kept answering has_more; stopped after too many pages." };
      let status: number;
      let body: unknown;
      try {
        const response = await request(format.pageUrl(source.baseUrl, range, options.pageLimit ?? 7, page), {
          method: "GET",
          dispatcher: agent,
          headers: format.headers(source.adminKey),
          headersTimeout: options.timeoutMs ?? 30_000,
          bodyTimeout: options.timeoutMs ?? 30_000,
        });
        status = response.statusCode;
        const text = await response.body.text();
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      } catch (error) {
        const code = (error as { code?: string }).code;
        return { ok: false, error: `The cost API could not be reached${code ? ` (${code})` : ""}.` };
      }
      pages++;
      if (status < 200 || status >= 300) {
        const type = (body as { error?: { type?: unknown; code?: unknown } } | undefined)?.error;
        const kind = typeof type?.type === "string" ? type.type : typeof type?.code === "string" ? type.code : null;
        return { ok: false, error: `The cost API answered HTTP ${status}${kind ? ` (${kind.slice(0, 60)})` : ""}.` };
      }
      const parsed = format.parsePage(body);
      if (!parsed.ok) return parsed;
      for (const day of parsed.days) {
        // A day split across pages (a page boundary inside grouped results) is summed.
        const seen = byDay.get(day.day);
        byDay.set(day.day, seen ? { day: day.day, picos: seen.picos + day.picos, lineItems: seen.lineItems + day.lineItems } : day);
      }
      page = parsed.nextPage ?? undefined;
    } while (page);
  } finally {
    void agent.destroy().catch(() => undefined);
  }
  return { ok: true, days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)), pages };
}
