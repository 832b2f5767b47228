/** Audit filters as form strings (what the inputs hold), their URL form, the tRPC input and the CSV export link. */
export interface AuditFilterForm {
  actor: string;
  action: string;
  targetType: string;
  source: "" | "console" | "admin_api" | "sso" | "system";
  /** datetime-local values in the browser's time zone */
  from: string;
  to: string;
}

export const emptyAuditFilters: AuditFilterForm = { actor: "", action: "", targetType: "", source: "", from: "", to: "" };

export const auditSourceLabels: Record<Exclude<AuditFilterForm["source"], "">, string> = { console: "Console", admin_api: "Admin API", sso: "SSO", system: "System" };

/** What the services write (budgets, limits and rules add their own as they arrive; any action can be typed). */
export const knownActions = [
  "auth.",
  "auth.sign_in",
  "auth.sign_in_failed",
  "member.",
  "member.invite",
  "member.revoke_invitation",
  "member.join",
  "member.provision",
  "member.change_role",
  "member.deactivate",
  "member.reactivate",
  "team.",
  "key.",
  "key.create",
  "key.revoke",
  "provider.",
  "model.",
  "model.update_price",
  "admin_token.",
  "user.create_owner",
];

export const knownTargetTypes = ["user", "invitation", "team", "virtual_key", "provider_connection", "model", "admin_token"];

const sources = new Set(Object.keys(auditSourceLabels));
const fields = { actor: "actor", action: "action", targetType: "target_type", source: "source", from: "from", to: "to" } as const;

export function parseAuditFilters(params: URLSearchParams): AuditFilterForm {
  const source = params.get("source") ?? "";
  return {
    actor: params.get("actor") ?? "",
    action: params.get("action") ?? "",
    targetType: params.get("target_type") ?? "",
    source: sources.has(source) ? (source as AuditFilterForm["source"]) : "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
}

export function auditFiltersToSearch(filters: AuditFilterForm): string {
  const params = new URLSearchParams();
  for (const [field, name] of Object.entries(fields)) {
    const value = filters[field as keyof AuditFilterForm];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}

function toDate(value: string): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The tRPC input for audit.list; empty values are left out. */
export function toAuditQueryInput(filters: AuditFilterForm) {
  return {
    actor: filters.actor.trim() || undefined,
    action: filters.action.trim() || undefined,
    targetType: filters.targetType || undefined,
    source: filters.source || undefined,
    from: toDate(filters.from),
    to: toDate(filters.to),
    limit: 50,
  };
}

/** /audit/export with the same filters; times are sent as ISO-8601 (the server does not know the browser's time zone). */
export function auditExportHref(filters: AuditFilterForm): string {
  const input = toAuditQueryInput(filters);
  const params = new URLSearchParams();
  if (input.actor) params.set("actor", input.actor);
  if (input.action) params.set("action", input.action);
  if (input.targetType) params.set("target_type", input.targetType);
  if (input.source) params.set("source", input.source);
  if (input.from) params.set("from", input.from.toISOString());
  if (input.to) params.set("to", input.to.toISOString());
  const search = params.toString();
  return `/audit/export${search ? `?${search}` : ""}`;
}
