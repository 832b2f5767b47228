/**
 * A fake of Anthropic's Admin API cost report, strict about what the reference documents:
 * https://platform.claude.com/docs/en/api/admin-api/usage-cost/get-cost-report (and the usage and cost API guide,
 * https://docs.anthropic.com/en/api/usage-cost-api): `GET /v1/organizations/cost_report` with an admin key in
 * `x-api-key` and `anthropic-version`; `starting_at` (RFC 3339, required; buckets snapped to UTC days), `ending_at`
 * (buckets that end before it), `bucket_width` (only `1d`), `group_by[]` (`workspace_id`, `description`), `limit`
 * (1–31, default 7), `page` (the previous `next_page`). Answers `{"data":[{"starting_at","ending_at","results":[
 * {"amount":"123.45","currency":"USD","description",…}]}],"has_more","next_page"}` where amount is a decimal string in
 * cents (the lowest currency unit: "123.45" USD is $1.2345). Errors are Anthropic's error body.
 */
import { startFake, type FakeContext } from "./common";
import { daysBetween, decodeCursor, dollarsToCentsText, encodeCursor, type FakeCostApi, type FakeCostDays } from "./cost-api-days";

export const FAKE_ANTHROPIC_ADMIN_KEY = "sk-ant-admin01-fake-cost-report-0123456789";

export async function startFakeAnthropicCostReport(initial: FakeCostDays = {}): Promise<FakeCostApi & { requests: () => FakeContext["record"][] }> {
  let days = initial;
  const fail = (context: FakeContext, status: number, type: string, message: string) => context.json(status, { type: "error", error: { type, message } });
  const fake = await startFake("anthropic-cost-report", (context) => {
    if (`${context.request.method} ${context.url.pathname}` !== "GET /v1/organizations/cost_report") return fail(context, 404, "not_found_error", "Not found");
    if (context.request.headers["x-api-key"] !== FAKE_ANTHROPIC_ADMIN_KEY) return fail(context, 401, "authentication_error", "invalid x-api-key");
    if (!context.request.headers["anthropic-version"]) return fail(context, 400, "invalid_request_error", "anthropic-version: header is required");
    const query = context.url.searchParams;
    const start = Date.parse(query.get("starting_at") ?? "");
    if (Number.isNaN(start)) return fail(context, 400, "invalid_request_error", "starting_at: Field required (an RFC 3339 timestamp)");
    const end = query.get("ending_at") ? Date.parse(query.get("ending_at")!) : Date.now();
    if ((query.get("bucket_width") ?? "1d") !== "1d") return fail(context, 400, "invalid_request_error", "bucket_width: Input should be '1d'");
    const groupBy = query.getAll("group_by[]");
    if (groupBy.some((field) => field !== "workspace_id" && field !== "description")) return fail(context, 400, "invalid_request_error", "group_by: Input should be 'workspace_id' or 'description'");
    const limit = Number(query.get("limit") ?? 7);
    if (!Number.isInteger(limit) || limit < 1 || limit > 31) return fail(context, 400, "invalid_request_error", "limit: Input should be between 1 and 31");
    // Buckets that start on or after starting_at (snapped to the day) and end before (or at) ending_at.
    let all = daysBetween(start, end).filter((day) => Date.parse(`${day}T00:00:00Z`) + 86_400_000 <= end);
    const cursor = query.get("page");
    if (cursor) {
      const from = decodeCursor(cursor);
      if (!from) return fail(context, 400, "invalid_request_error", "page: invalid cursor");
      all = all.filter((day) => day >= from);
    }
    const data = all.slice(0, limit).map((day) => {
      const results = (days[day] ?? []).map((item) => ({
        amount: dollarsToCentsText(item.amount),
        currency: (item.currency ?? "USD").toUpperCase(),
        cost_type: "tokens",
        description: groupBy.includes("description") ? item.name : null,
        model: null,
        service_tier: null,
        token_type: null,
        workspace_id: null,
        context_window: null,
        inference_geo: null,
      }));
      const startsAt = `${day}T00:00:00Z`;
      return { starting_at: startsAt, ending_at: new Date(Date.parse(startsAt) + 86_400_000).toISOString().replace(".000Z", "Z"), results };
    });
    const hasMore = all.length > limit;
    context.json(200, { data, has_more: hasMore, next_page: hasMore ? encodeCursor(all[limit]) : null });
  });
  return {
    url: fake.url,
    setDays: (next) => void (days = next),
    requests: () => fake.received,
    close: () => fake.close(),
  };
}
