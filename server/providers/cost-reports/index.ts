import { anthropicCostReportHeaders, anthropicCostReportUrl, ANTHROPIC_COST_SOURCE, parseAnthropicCostPage } from "./anthropic-cost-report";
import { openAICostsHeaders, openAICostsUrl, OPENAI_COSTS_SOURCE, parseOpenAICostsPage } from "./openai-costs";
import type { CostImportProvider, CostPage } from "./types";

export * from "./types";

/** What the importer needs of each provider's cost API: the URL of a page, its headers, its parser. */
export interface CostReportFormat {
  source: string;
  defaultBaseUrl: string;
  pageUrl(baseUrl: string, range: { from: Date; to: Date }, limit: number, page?: string): string;
  headers(adminKey: string): Record<string, string>;
  parsePage(body: unknown): CostPage;
}

export const costReportFormats: Record<CostImportProvider, CostReportFormat> = {
  openai: { source: OPENAI_COSTS_SOURCE, defaultBaseUrl: "https://api.openai.com/v1", pageUrl: openAICostsUrl, headers: openAICostsHeaders, parsePage: parseOpenAICostsPage },
  anthropic: { source: ANTHROPIC_COST_SOURCE, defaultBaseUrl: "https://api.anthropic.com/v1", pageUrl: anthropicCostReportUrl, headers: anthropicCostReportHeaders, parsePage: parseAnthropicCostPage },
};
