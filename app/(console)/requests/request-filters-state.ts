/** Ledger filters as form strings (what the inputs hold) and their URL form, so a filtered view can be shared. */
export interface RequestFilterForm {
  keyId: string;
  model: string;
  /** A provider id (openai, anthropic …): the Invoices page links here with it. */
  provider: string;
  status: "" | "success" | "error" | "aborted";
  /** datetime-local values in the browser's time zone */
  from: string;
  to: string;
}

export const emptyFilters: RequestFilterForm = { keyId: "", model: "", provider: "", status: "", from: "", to: "" };

const statuses = new Set(["success", "error", "aborted"]);

export function parseRequestFilters(params: URLSearchParams): RequestFilterForm {
  const status = params.get("status") ?? "";
  return {
    keyId: params.get("key") ?? "",
    model: params.get("model") ?? "",
    provider: params.get("provider") ?? "",
    status: statuses.has(status) ? (status as RequestFilterForm["status"]) : "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
}

export function filtersToSearch(filters: RequestFilterForm): string {
  const params = new URLSearchParams();
  if (filters.keyId) params.set("key", filters.keyId);
  if (filters.model) params.set("model", filters.model);
  if (filters.provider) params.set("provider", filters.provider);
  if (filters.status) params.set("status", filters.status);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  const search = params.toString();
  return search ? `?${search}` : "";
}

function toDate(value: string): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tRPC input for requests.list; invalid values are dropped rather than sent. */
export function toQueryInput(filters: RequestFilterForm) {
  return {
    keyId: UUID.test(filters.keyId) ? filters.keyId : undefined,
    model: filters.model || undefined,
    provider: filters.provider.trim() || undefined,
    status: filters.status || undefined,
    from: toDate(filters.from),
    to: toDate(filters.to),
    limit: 50,
  };
}
